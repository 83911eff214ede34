from django.urls import path

from backend.intake import api, views

urlpatterns = [
    path("api/tips/", api.TipViewSet.as_view({"get": "list"}), name="tip-list"),
    path("api/tips/spam/", api.TipSpamView.as_view(), name="tip-spam"),
    path("api/tips/<int:pk>/", api.TipViewSet.as_view({"get": "retrieve"}), name="tip-detail"),
    path("api/tips/<int:pk>/<slug:action>/", api.TipActionView.as_view(), name="tip-action"),
    path("tips/", views.tip_queue, name="tip_queue"),
    path("tips/spam/", views.tip_queue_spam, name="tip_queue_spam"),
    path("tips/<int:pk>/", views.tip_page, name="tip_page"),
    path("tips/<int:pk>/act/<slug:action>/", views.tip_page_act, name="tip_page_act"),
]
