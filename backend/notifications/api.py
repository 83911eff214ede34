"""The user's notifications over the API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.notifications.models import Notification
from backend.notifications.selectors import notifications_of
from backend.notifications.services import notification_mark_read


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    message = serializers.CharField(read_only=True)
    case = serializers.IntegerField(source="case_id", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "case", "params", "created_at", "read_at"]


class NotificationListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "NotificationList",
            {"unread": serializers.IntegerField(), "results": NotificationSerializer(many=True)},
        )
    )
    def get(self, request: Request) -> Response:
        qs = notifications_of(request.user)
        unread = qs.filter(read_at__isnull=True).count()
        items = NotificationSerializer(qs[:100], many=True).data
        return Response({"unread": unread, "results": items})


class NotificationReadView(APIView):
    """POST {"ids": [...]} marks those read; without ids, all of them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=inline_serializer(
            "NotificationRead",
            {"ids": serializers.ListField(child=serializers.IntegerField(), required=False)},
        ),
        responses=inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()}),
    )
    def post(self, request: Request) -> Response:
        ids: Any = request.data.get("ids") if hasattr(request.data, "get") else None
        if ids is not None and not (isinstance(ids, list) and all(isinstance(i, int) for i in ids)):
            return Response({"ids": ["A list of notification ids."]}, status=400)
        marked = notification_mark_read(actor=request.user, notification_ids=ids)
        return Response({"marked": marked})
