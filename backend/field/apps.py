from django.apps import AppConfig


class FieldConfig(AppConfig):
    """The inspector's phone app at /field/: offline-first capture of evidence."""

    name = "backend.field"
    label = "field"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from backend.field import checks  # noqa: F401 (registers the system checks)
