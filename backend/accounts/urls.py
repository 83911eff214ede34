from django.urls import path

from backend.accounts import views

urlpatterns = [
    path("account/devices/", views.devices, name="devices"),
    path("account/devices/<int:pk>/revoke/", views.device_revoke, name="device_revoke"),
]
