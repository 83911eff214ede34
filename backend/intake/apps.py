from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "backend.intake"
    label = "intake"
    verbose_name = _("Citizens' reports")
    default_auto_field = "django.db.models.BigAutoField"
