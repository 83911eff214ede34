from django.urls import path

from backend.cases import api, views

urlpatterns = [
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/act/", views.case_act, name="case_act"),
    path("cases/<int:pk>/details/", views.case_details_edit, name="case_details_edit"),
    path(
        "api/cases/<int:pk>/transitions/", api.CaseTransitionView.as_view(), name="case-transitions"
    ),
    path("api/cases/<int:pk>/actions/", api.CaseActionsView.as_view(), name="case-actions"),
    path(
        "api/cases/<int:pk>/documents/<str:document_type>/",
        api.CaseDocumentView.as_view(),
        name="case-document",
    ),
]
