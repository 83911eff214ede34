from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OgcConfig(AppConfig):
    name = "backend.ogc"
    label = "ogc"
    verbose_name = _("OGC API – Features")

    def ready(self) -> None:
        # The built-in collections register themselves (backend.ogc.registry).
        from backend.ogc import collections  # noqa: F401
