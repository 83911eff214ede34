"""Checks against automated reports, before a report is checked.

Two cheap signs of a robot on the public page: it fills in the field people
never see (the honeypot, hidden from sight and from screen readers), or it
sends the form sooner than a person could. The refusal says neither, so a
robot learns nothing from it; a person who somehow meets it just sends again.

Then rate limits per client address, per device (the id the public page
keeps in the browser) and per API key (Open311), counted in PostgreSQL
(backend.core.rate_limits) so every web process and replica shares them. A
retry of a report already filed (its Idempotency-Key known) is not counted:
a phone on a weak network retries one report many times.
"""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from backend.core.errors import InvalidInput
from backend.core.rate_limits import RateLimit, rate_limits_check

# A device id the public page makes (a UUID); anything else is not counted as a device.
DEVICE_HEADER = "X-Device-Id"
DEVICE_ID_MAX_LENGTH = 64


def _refused() -> InvalidInput:
    return InvalidInput(
        _("The report could not be accepted. Wait a moment, check the form and send it again."),
        code="not_accepted",
    )


def tip_abuse_check(*, honeypot: Any, elapsed_ms: Any) -> None:
    """Refuse (400) a report whose honeypot is filled in, or sent too fast.

    `elapsed_ms` is how long the form was open before it was sent, as the
    browser measured it (a queued report sent later only counts more).
    """
    if honeypot not in (None, ""):
        raise _refused()
    try:
        elapsed = float(elapsed_ms)
    except (TypeError, ValueError, OverflowError):
        raise _refused() from None
    if not math.isfinite(elapsed) or elapsed < settings.TTXD_TIP_MIN_FILL_SECONDS * 1000:
        raise _refused()


def client_address(request: Any) -> str | None:
    """REMOTE_ADDR, if it is an address (behind proxies, backend.core.proxies set it)."""
    raw = str(getattr(request, "META", {}).get("REMOTE_ADDR") or "").strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def device_id(value: Any) -> str | None:
    """A device id as sent (the public page's header, an Open311 app's device_id), if usable."""
    raw = str(value or "").strip()
    if not raw or len(raw) > DEVICE_ID_MAX_LENGTH or not raw.isascii() or not raw.isprintable():
        return None
    return raw


def tip_rate_limits(
    *, address: str | None, device: str | None, api_client_id: int | None = None
) -> None:
    """Count this report against the limits of its address, device and API key; 429 beyond.

    A missing key is not counted (an Open311 app's server sends for many
    citizens: its limit is its API key's and the citizens' device ids').
    Call outside any transaction (the counter's row would stay locked until
    the commit, and a rolled-back request would not count).
    """
    window = settings.TTXD_TIP_RATE_WINDOW_SECONDS
    rate_limits_check(
        [
            (
                RateLimit("tip_ip", settings.TTXD_TIP_RATE_PER_IP, window, _("this connection")),
                address,
            ),
            (
                RateLimit(
                    "tip_device", settings.TTXD_TIP_RATE_PER_DEVICE, window, _("this device")
                ),
                device_id(device),
            ),
            (
                RateLimit("tip_api_key", settings.TTXD_TIP_RATE_PER_API_KEY, window, _("this app")),
                str(api_client_id) if api_client_id is not None else None,
            ),
        ]
    )
