"""Refusals specific to photo uploads, each with its HTTP status."""

from __future__ import annotations

from backend.core.errors import ServiceError


class PayloadTooLarge(ServiceError):
    status = 413


class UnsupportedImageType(ServiceError):
    status = 415
