from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "backend.cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from backend.cases import checks  # noqa: F401 - registers the system checks
