from django.apps import AppConfig


class CoreConfig(AppConfig):
    """An app only so that the idempotency records' model has a home outside photos."""

    name = "backend.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
