"""The site API: GET /api/sites/ (GeoJSON, the usual filters), GET /api/sites/{id}/,
POST /api/sites/ (a notified or patrol site), POST /api/sites/{id}/status/ and
POST /api/sites/{id}/reopen/. Every read starts at sites_visible_to."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.permissions import ReadOnlyUnlessWardUser
from backend.core.schema import refusals
from backend.sites.query import SiteQuery
from backend.sites.selectors import sites_visible_to
from backend.sites.serializers import (
    SiteRecordSerializer,
    SiteReopenSerializer,
    SiteSerializer,
    SiteStatusSerializer,
    site_detail_payload,
)
from backend.sites.services.lifecycle import site_record, site_reopen, site_status_change

SITE_FILTERS = SiteQuery.openapi_parameters()


class SiteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Construction sites in the user's wards, watched on the inspection plan."""

    serializer_class = SiteSerializer
    permission_classes = [ReadOnlyUnlessWardUser]

    def get_queryset(self) -> Any:
        qs = sites_visible_to(self.request.user)
        if self.action == "list":
            qs = SiteQuery.from_params(self.request.query_params).apply_on(qs, self._today())
        return qs.order_by("next_visit_due", "id")

    def _today(self) -> Any:
        if not hasattr(self, "today"):
            self.today = timezone.localdate()
        return self.today

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": self._today()}

    @extend_schema(parameters=SITE_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        site = self.get_object()
        return Response(site_detail_payload(site, self._today()))

    @extend_schema(
        request=SiteRecordSerializer,
        responses={201: OpenApiTypes.OBJECT},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = SiteRecordSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        site = site_record(
            actor=request.user,
            origin=data["origin"],
            location=incoming.point(),
            address=data["address"],
            on=data["on"],
            evidence=data["evidence"],
            owner_name=data["owner_name"],
            works_class=data["works_class"],
            status=data["status"],
            storeys_built=data.get("storeys_built"),
        )
        fresh = sites_visible_to(request.user).get(pk=site.pk)
        return Response(site_detail_payload(fresh, self._today()), status=status.HTTP_201_CREATED)


class SiteStatusView(APIView):
    """Move a site on: the new status, the day it happened and what shows it."""

    permission_classes = [ReadOnlyUnlessWardUser]

    @extend_schema(
        request=SiteStatusSerializer, responses={200: OpenApiTypes.OBJECT, **refusals(409)}
    )
    def post(self, request: Request, pk: int) -> Response:
        site = get_object_or_404(sites_visible_to(request.user), pk=pk)
        incoming = SiteStatusSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        site_status_change(
            actor=request.user,
            site=site,
            to_status=data["status"],
            on=data["on"],
            evidence=data["evidence"],
            storeys_built=data.get("storeys_built"),
            version=data["version"],
        )
        fresh = sites_visible_to(request.user).get(pk=pk)
        return Response(site_detail_payload(fresh, timezone.localdate()))


class SiteReopenView(APIView):
    """A completed site back under watch, with the reason."""

    permission_classes = [ReadOnlyUnlessWardUser]

    @extend_schema(
        request=SiteReopenSerializer, responses={200: OpenApiTypes.OBJECT, **refusals(409)}
    )
    def post(self, request: Request, pk: int) -> Response:
        site = get_object_or_404(sites_visible_to(request.user), pk=pk)
        incoming = SiteReopenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        site_reopen(
            actor=request.user,
            site=site,
            on=data["on"],
            reason=data["reason"],
            version=data["version"],
        )
        fresh = sites_visible_to(request.user).get(pk=pk)
        return Response(site_detail_payload(fresh, timezone.localdate()))
