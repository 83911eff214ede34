"""The user's notifications over the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.errors import InvalidInput
from backend.notifications.models import Notification
from backend.notifications.selectors import notifications_of
from backend.notifications.services import notification_mark_read

# Notification ids are PostgreSQL bigints (DEFAULT_AUTO_FIELD is BigAutoField).
PK_MAX = 9_223_372_036_854_775_807


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
    """POST {"ids": [...]} marks those read; {"all": true} marks every one read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=inline_serializer(
            "NotificationRead",
            {
                "ids": serializers.ListField(child=serializers.IntegerField(), required=False),
                "all": serializers.BooleanField(required=False),
            },
        ),
        responses=inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()}),
    )
    def post(self, request: Request) -> Response:
        ids, everything = _what_to_mark(request.data)
        marked = notification_mark_read(
            actor=request.user, notification_ids=None if everything else ids
        )
        return Response({"marked": marked})


def _what_to_mark(data: Any) -> tuple[list[int], bool]:
    """The ids to mark, or all of them: only an explicit "all": true means all.

    Anything else (a list body, an empty object, "all": 1) is refused, so that
    a malformed request never marks every notification read by accident.
    """
    if hasattr(data, "lists"):  # a form body: fields are strings
        data = {key: values[-1] for key, values in data.lists()}
    flag = data.get("all") if isinstance(data, dict) else None
    everything = flag is True or flag == "true"  # not 1: True == 1 in Python
    ids = data.get("ids") if isinstance(data, dict) else None
    valid_ids = isinstance(ids, list) and all(
        isinstance(i, int) and not isinstance(i, bool) and 0 < i <= PK_MAX for i in ids
    )
    if everything and ids is None:
        return [], True
    if not everything and ids is not None and valid_ids:
        return list(ids), False
    raise InvalidInput(
        _(
            'Send "ids" as a list of notification ids to mark those read, '
            'or "all": true to mark every notification read.'
        ),
        field="ids",
        code="invalid",
    )
