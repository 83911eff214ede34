"""Refusals specific to photo uploads, each with its HTTP status."""

from __future__ import annotations

from backend.core.errors import ServiceError


class PayloadTooLarge(ServiceError):
    status = 413


class UnsupportedImageType(ServiceError):
    status = 415


class IdempotencyKeyReused(ServiceError):
    """The same Idempotency-Key came back with different content."""

    status = 422
