from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "backend.photos"
    default_auto_field = "django.db.models.BigAutoField"
