from django.urls import path

from backend.sites import plan_views

urlpatterns = [
    path("sites/plan/", plan_views.inspection_plan_page, name="inspection_plan"),
]
