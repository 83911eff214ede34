"""Open311 GeoReport v2 for the city's apps: services, filing and reading reports.

The specification is https://wiki.open311.org/GeoReport_v2 (frozen). What is
served here, in JSON and XML alike (the format is the path's extension):

- GET  services.{fmt}                 one service per TipCategory (no API key)
- GET  services/{service_code}.{fmt}  its definition: no attributes (metadata=false)
- POST requests.{fmt}                 file a report (api_key required)
- GET  requests.{fmt}                 the reports this app filed (api_key required)
- GET  requests/{id}.{fmt}            one of them, as a list of one

Errors follow the specification: a list of {code, description} (XML
<errors><error>), with the HTTP status as the code. An app sees only the tips
it filed, and never anyone's personal data or a member of staff's name. A
`media_url` an app sends is kept as a link and never fetched; `jurisdiction_id`,
`device_id` and `account_id` are accepted and ignored.
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from backend.intake.abuse import tip_rate_limits
from backend.intake.models import OPEN_STATUSES, IntegrationClient, Tip, TipCategory, TipChannel
from backend.intake.open311_format import (
    FORM_TYPES,
    Open311Error,
    _endpoint,
    _error,
    _language_of,
    _render,
)
from backend.intake.selectors import public_status_label, tip_already_filed, tip_root
from backend.intake.services.submission import tip_check, tip_file, tip_photo_add
from backend.photos.models import SitePhoto

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# GeoReport v2, GET service requests: "a span of 90 days or first 1000 requests
# returned, whichever is smallest"; a range may not span more than 90 days.
DEFAULT_SPAN = datetime.timedelta(days=90)
MAX_REQUESTS = 1000
MEDIA_URL_MAX_LENGTH = 200  # Tip.external_media_url is a URLField of Django's default length

# Our service codes are TipCategory values; the group the city's apps show them under.
SERVICE_KEYWORDS: dict[str, str] = {
    TipCategory.NO_PERMIT: "giấy phép, xây không phép, xây dựng",
    TipCategory.BEYOND_PERMIT: "sai phép, thêm tầng, lấn diện tích, xây dựng",
    TipCategory.ENCROACHMENT: "lấn chiếm, vỉa hè, hẻm, đất công",
    TipCategory.NO_SCREENING: "che chắn, vật liệu, rơi vãi, bụi",
    TipCategory.DAMAGE: "nứt, lún, nhà liền kề, hư hỏng",
    TipCategory.CONTINUED: "đình chỉ, tiếp tục thi công",
    TipCategory.OTHER: "xây dựng, khác",
}

# --- Services ----------------------------------------------------------------


def _service(code: str, label: str) -> dict[str, Any]:
    # GeoReport v2, "GET Service List", response fields.
    return {
        "service_code": code,
        "service_name": label,
        "description": _("Report to the ward: %(what)s.") % {"what": label},
        "metadata": False,
        "type": "realtime",
        "keywords": SERVICE_KEYWORDS.get(code, ""),
        "group": _("Construction order"),
    }


@_endpoint(["GET"])
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """The kinds of report the city takes: one per TipCategory."""
    body = [_service(str(code), str(label)) for code, label in TipCategory.choices]
    return _render(fmt, body, root="services", item="service")


@_endpoint(["GET"])
def service_definition(request: HttpRequest, service_code: str, *, fmt: str) -> HttpResponse:
    """No service takes extra attributes (metadata=false): the definition has none."""
    if service_code not in TipCategory.values:
        raise Open311Error(404, _("service_code %(code)s not found.") % {"code": service_code})
    return _render(fmt, {"service_code": service_code, "attributes": []}, root="service_definition")


# --- Service requests --------------------------------------------------------


def w3c(value: datetime.datetime) -> str:
    return value.astimezone(LOCAL_TZ).isoformat(timespec="seconds")


def _expected(day: datetime.date) -> str:
    return w3c(datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=LOCAL_TZ))


def _service_notice(tip: Tip) -> str:
    return _("The ward will answer by %(date)s.") % {
        "date": tip.response_due_on.strftime("%d/%m/%Y")
    }


def _status_notes(tip: Tip) -> str:
    """Why it is open or closed, in public words: no staff names, no personal data,
    and not another reporter's code."""
    if tip.status == "case_opened" and tip.case is not None:
        return _("A case was opened: %(code)s") % {"code": tip.case.code}
    if tip.status == "not_violation":
        label = public_status_label(tip.status)
        return f"{label}: {tip.status_reason}" if tip.status_reason else label
    if tip.status == "merged":
        root = tip_root(tip)
        case = tip.case or root.case
        label = public_status_label(tip.status)
        if case is not None:
            return f"{label}. " + _("A case was opened: %(code)s") % {"code": case.code}
        return label
    return public_status_label(tip.status)


def _media_url(tip: Tip) -> str:
    photos = [p for p in tip.photos.all() if p.preview]
    if photos:
        base = settings.TTXD_SITE_URL.rstrip("/")
        return f"{base}/phan-anh/anh/{tip.code}/{photos[0].pk}.jpg"
    return tip.external_media_url


def request_fields(tip: Tip) -> dict[str, Any]:
    """One service request, GeoReport v2 "GET Service Requests" response fields, in order."""
    return {
        "service_request_id": tip.code,
        "status": "open" if tip.status in OPEN_STATUSES else "closed",
        "status_notes": _status_notes(tip),
        "service_name": tip.get_category_display(),
        "service_code": tip.category,
        "description": tip.description,
        "agency_responsible": _("People's Committee of %(ward)s") % {"ward": tip.ward.name},
        "service_notice": _service_notice(tip),
        "requested_datetime": w3c(tip.received_at),
        "updated_datetime": w3c(tip.updated_at),
        "expected_datetime": _expected(tip.response_due_on),
        "address": tip.address,
        "address_id": "",
        "zipcode": "",
        "lat": tip.location.y,
        "long": tip.location.x,
        "media_url": _media_url(tip),
    }


def tips_of_client(client: IntegrationClient) -> QuerySet[Tip]:
    """The tips this app filed, with what their answers read."""
    return (
        Tip.objects.filter(client=client, channel=TipChannel.OPEN311)
        .select_related("ward", "case", "merged_into")
        .prefetch_related(Prefetch("photos", queryset=SitePhoto.objects.order_by("pk")))
    )


def _code_of(value: str) -> str | None:
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum())
    if cleaned.startswith("PA"):
        cleaned = cleaned[2:]
    if len(cleaned) != 12:
        return None
    return f"PA-{cleaned[0:4]}-{cleaned[4:8]}-{cleaned[8:12]}"


def _date_param(request: HttpRequest, name: str) -> datetime.datetime | None:
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    try:
        value = parse_datetime(text.replace(" ", "+"))  # a '+' left unescaped in a query
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(
            400,
            _("%(name)s must be a W3C date and time, such as 2026-11-05T08:15:30+07:00.")
            % {"name": name},
        )
    if timezone.is_naive(value):
        value = value.replace(tzinfo=LOCAL_TZ)
    return value


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _requests_list(request: HttpRequest, client: IntegrationClient, fmt: str) -> HttpResponse:
    qs = tips_of_client(client)
    ids = _split(request.GET.get("service_request_id", ""))
    if ids:
        # "This overrides all other arguments."
        if len(ids) > MAX_REQUESTS:
            raise Open311Error(
                400,
                _("At most %(count)d service_request_id at once.") % {"count": MAX_REQUESTS},
            )
        codes = {code for code in (_code_of(i) for i in ids) if code}
        tips = list(qs.filter(code__in=codes).order_by("-received_at", "-id"))
        return _render(
            fmt, [request_fields(t) for t in tips], root="service_requests", item="request"
        )
    service_codes = _split(request.GET.get("service_code", ""))
    unknown = [code for code in service_codes if code not in TipCategory.values]
    if unknown:
        raise Open311Error(404, _("service_code %(code)s not found.") % {"code": unknown[0]})
    if service_codes:
        qs = qs.filter(category__in=service_codes)
    statuses = _split(request.GET.get("status", "").lower())
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, _("status must be open or closed."))
    if statuses and set(statuses) != {"open", "closed"}:
        qs = (
            qs.filter(status__in=OPEN_STATUSES)
            if statuses[0] == "open"
            else qs.exclude(status__in=OPEN_STATUSES)
        )
    start = _date_param(request, "start_date")
    end = _date_param(request, "end_date")
    if start is None and end is None:
        end = timezone.now()
        start = end - DEFAULT_SPAN
    elif start is None:
        assert end is not None
        start = end - DEFAULT_SPAN
    elif end is None:
        end = start + DEFAULT_SPAN
    if start > end:
        raise Open311Error(400, _("start_date must be before end_date."))
    if end - start > DEFAULT_SPAN:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    tips = list(qs.order_by("-received_at", "-id")[:MAX_REQUESTS])
    return _render(fmt, [request_fields(t) for t in tips], root="service_requests", item="request")


def _media_url_checked(value: str) -> str:
    text = value.strip()
    if not text:
        return ""
    if len(text) > MEDIA_URL_MAX_LENGTH:
        raise Open311Error(
            400,
            _("media_url is limited to %(limit)d characters.") % {"limit": MEDIA_URL_MAX_LENGTH},
        )
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise Open311Error(400, _("media_url must be an http or https address.")) from None
    return text


def _file_request(request: HttpRequest, client: IntegrationClient, fmt: str) -> HttpResponse:
    data = request.POST
    service_code = data.get("service_code", "").strip()
    if not service_code:
        raise Open311Error(400, _("service_code is required."))
    if service_code not in TipCategory.values:
        raise Open311Error(400, _("service_code %(code)s not found.") % {"code": service_code})
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    if not lat or not lon:
        raise Open311Error(
            400,
            _(
                "lat/long required: give the position of the site (WGS 84 latitude and "
                "longitude); an address_string or address_id alone is not enough."
            ),
        )
    name = " ".join(
        part
        for part in (data.get("last_name", "").strip(), data.get("first_name", "").strip())
        if part
    )
    draft = tip_check(
        lat=lat,
        lon=lon,
        category=service_code,
        description=data.get("description", ""),
        address=data.get("address_string", ""),
        reporter_name=name,
        reporter_phone=data.get("phone", ""),
        reporter_email=data.get("email", ""),
    )
    media_url = _media_url_checked(data.get("media_url", ""))
    upload = request.FILES.get("media")
    if upload is not None and (upload.size or 0) > settings.TTXD_PHOTO_MAX_BYTES:
        raise Open311Error(
            413,
            _("media is larger than %(mb)d MB.")
            % {"mb": settings.TTXD_PHOTO_MAX_BYTES // (1024 * 1024)},
        )
    key = request.headers.get("Idempotency-Key")
    if not tip_already_filed(
        channel=TipChannel.OPEN311, submission_key=(key or "").strip(), client_id=client.pk
    ):
        # Per API key and per citizen's device_id, not per address: the app's server
        # sends for many citizens (counted outside the transaction).
        tip_rate_limits(address=None, device=data.get("device_id"), api_client_id=client.pk)
    with transaction.atomic():
        filed = tip_file(
            draft,
            channel=TipChannel.OPEN311,
            submission_key=key,
            client=client,
            external_media_url=media_url,
        )
        if upload is not None:
            tip_photo_add(
                tip=filed.tip,
                data=upload.read(),
                filename=upload.name or "",
                max_photos=settings.TTXD_TIP_MAX_PHOTOS,
                window_hours=settings.TTXD_TIP_PHOTO_WINDOW_HOURS,
            )
    tip = filed.tip
    body = [
        {
            "service_request_id": tip.code,
            "service_notice": _service_notice(tip),
            "account_id": None,
        }
    ]
    # GeoReport v2, POST Service Request: 200 with the list of one created request.
    return _render(fmt, body, root="service_requests", item="request")


@_endpoint(["GET", "POST"], keyed=True)
def requests(request: HttpRequest, *, fmt: str, client: IntegrationClient) -> HttpResponse:
    if request.method == "POST":
        if request.content_type not in FORM_TYPES:
            raise Open311Error(
                400,
                _(
                    "Send the request form-encoded (application/x-www-form-urlencoded) or as "
                    "multipart/form-data."
                ),
            )
        return _file_request(request, client, fmt)
    return _requests_list(request, client, fmt)


@_endpoint(["GET"], keyed=True)
def request_detail(
    request: HttpRequest, service_request_id: str, *, fmt: str, client: IntegrationClient
) -> HttpResponse:
    """One report this app filed, as a list of one (the specification's form)."""
    code = _code_of(service_request_id)
    tip = tips_of_client(client).filter(code=code).first() if code else None
    if tip is None:
        raise Open311Error(
            404,
            _("service_request_id %(id)s not found.")
            % {"id": re.sub(r"[^A-Za-z0-9-]", "", service_request_id)[:40]},
        )
    return _render(fmt, [request_fields(tip)], root="service_requests", item="request")


def not_found(request: HttpRequest) -> HttpResponse:
    """No such resource: the specification's error list (JSON unless the path asks for XML)."""
    fmt = "xml" if request.path.lower().endswith(".xml") else "json"
    with translation.override(_language_of(request) or translation.get_language()):
        return _error(
            fmt,
            404,
            _(
                "No such Open311 resource: use services.json, services/{service_code}.json, "
                "requests.json or requests/{service_request_id}.json (or .xml)."
            ),
        )
