"""The apps' own settings: site photos and the field app, the workflow, its
deadlines and notifications. Read by backend.settings, which imports them all."""

from __future__ import annotations

from backend.environment import env, env_float, env_int

# --- Site photos (backend.photos) and the field app (backend.field) ---------
# Uploads larger than this are refused with 413 before the body is all read.
TTXD_PHOTO_MAX_BYTES = env_int("TTXD_PHOTO_MAX_BYTES", 25 * 1024 * 1024)
# Declared dimensions above this are refused before any pixel is decoded
# (well under Pillow's own decompression-bomb threshold of ~179 MP).
TTXD_PHOTO_MAX_PIXELS = env_int("TTXD_PHOTO_MAX_PIXELS", 50_000_000)
# Long edge of the derivatives that pages show (the original is kept as sent).
TTXD_PHOTO_PREVIEW_PX = env_int("TTXD_PHOTO_PREVIEW_PX", 1600)
TTXD_PHOTO_THUMBNAIL_PX = env_int("TTXD_PHOTO_THUMBNAIL_PX", 320)
# Warning thresholds shown with each photo.
TTXD_PHOTO_FAR_FROM_SITE_M = env_float("TTXD_PHOTO_FAR_FROM_SITE_M", 100.0)
TTXD_PHOTO_LOW_ACCURACY_M = env_float("TTXD_PHOTO_LOW_ACCURACY_M", 50.0)
TTXD_PHOTO_EXIF_DEVICE_MISMATCH_M = env_float("TTXD_PHOTO_EXIF_DEVICE_MISMATCH_M", 200.0)
TTXD_PHOTO_STALE_HOURS = env_float("TTXD_PHOTO_STALE_HOURS", 48.0)
# Phones' clocks drift: a capture time this far ahead of the server is tolerated.
TTXD_PHOTO_FUTURE_TOLERANCE_MINUTES = env_float("TTXD_PHOTO_FUTURE_TOLERANCE_MINUTES", 10.0)
# `manage.py photos_cleanup` only touches stored objects without a photo row
# older than this (a younger one may belong to an upload still in progress).
TTXD_PHOTO_ORPHAN_MIN_AGE_HOURS = env_float("TTXD_PHOTO_ORPHAN_MIN_AGE_HOURS", 24.0)
# Answers kept for retried requests (Idempotency-Key): longer than a phone
# is likely to stay offline with a queued photo.
TTXD_IDEMPOTENCY_RETENTION_DAYS = env_int("TTXD_IDEMPOTENCY_RETENTION_DAYS", 30)

# The field app's offline copy of a ward (backend.field.offline): a package
# larger than this (vector tiles, plus the base map's when prefetched) is
# refused before anything is saved on the phone.
TTXD_OFFLINE_MAX_BYTES = env_int("TTXD_OFFLINE_MAX_BYTES", 40 * 1024 * 1024)

# --- Workflow, deadlines and notifications (backend.cases, backend.notifications)
# A case overdue by more than this many days is also reported to the city auditors.
TTXD_OVERDUE_CITY_AFTER_DAYS = env_int("TTXD_OVERDUE_CITY_AFTER_DAYS", 10)
# Links in e-mails point here (the scheduler has no request to take the host from).
TTXD_SITE_URL = env("TTXD_SITE_URL", "http://127.0.0.1:8000") or ""
# A scan of the signed paper attached to a workflow step.
TTXD_STEP_ATTACHMENT_MAX_BYTES = env_int("TTXD_STEP_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# Symbols after document numbers that differ from the forms' (backend.cases.models
# DOCUMENT_SYMBOLS), as "TYPE=SYMBOL,…", e.g. "DEMOLISH_NOTICE=TB-UBND".
TTXD_DOCUMENT_SYMBOLS = dict(
    item.split("=", 1)
    for item in (env("TTXD_DOCUMENT_SYMBOLS", "") or "").split(",")
    if "=" in item
)

# --- Ward boundary imports (backend.wards.importing) -------------------------
# Refused before reading further: the upload, a zip's inflated members,
# the features of the layer and their vertices (in all and in one ward).
TTXD_WARD_IMPORT_MAX_BYTES = env_int("TTXD_WARD_IMPORT_MAX_BYTES", 200 * 1024 * 1024)
TTXD_WARD_IMPORT_MAX_FEATURES = env_int("TTXD_WARD_IMPORT_MAX_FEATURES", 5_000)
TTXD_WARD_IMPORT_MAX_VERTICES = env_int("TTXD_WARD_IMPORT_MAX_VERTICES", 20_000_000)
TTXD_WARD_IMPORT_MAX_VERTICES_PER_WARD = env_int(
    "TTXD_WARD_IMPORT_MAX_VERTICES_PER_WARD", 2_000_000
)
TTXD_WARD_IMPORT_ZIP_MAX_MEMBERS = env_int("TTXD_WARD_IMPORT_ZIP_MAX_MEMBERS", 200)
TTXD_WARD_IMPORT_ZIP_MAX_RATIO = env_float("TTXD_WARD_IMPORT_ZIP_MAX_RATIO", 200.0)
# Overlaps between wards and gaps between them smaller than this are not reported.
TTXD_WARD_IMPORT_MIN_AREA_M2 = env_float("TTXD_WARD_IMPORT_MIN_AREA_M2", 1.0)
# VN-2000 / TM-3 central meridians tried first for a file without .prj
# (105°45′ Ho Chi Minh City, 107°45′ the former Bà Rịa–Vũng Tàu).
TTXD_VN2000_MERIDIANS = tuple(
    float(m) for m in (env("TTXD_VN2000_MERIDIANS", "105.75,107.75") or "").split(",") if m.strip()
)

# --- OGC API – Features (backend.ogc) -----------------------------------------
# Collections anonymous visitors may read (comma-separated ids); the others
# need a session or a device token, and show each user the rows of their wards.
TTXD_OGC_PUBLIC_COLLECTIONS = frozenset(
    name.strip()
    for name in (env("TTXD_OGC_PUBLIC_COLLECTIONS", "wards") or "").split(",")
    if name.strip()
)
# Features per page when a client sends no `limit`, and the most it may ask for.
TTXD_OGC_LIMIT_DEFAULT = env_int("TTXD_OGC_LIMIT_DEFAULT", 100)
TTXD_OGC_LIMIT_MAX = env_int("TTXD_OGC_LIMIT_MAX", 10000)

# --- Uploads through pages (the admin's imports) ------------------------------
# A multipart page POST declaring more than this is answered 413 before its
# body is read (backend.core.middleware); each import then applies its own limits.
TTXD_PAGE_UPLOAD_MAX_BYTES = env_int("TTXD_PAGE_UPLOAD_MAX_BYTES", 600 * 1024 * 1024)

# --- Spreadsheets from outside (backend.core.tabular: permit register, case backlog)
# Checked before a byte is parsed: the file's size, then (XLSX) what its zip
# declares it inflates to and its compression ratio (bombs), then rows and
# columns as the sheet declares them and again while streaming.
TTXD_TABULAR_MAX_BYTES = env_int("TTXD_TABULAR_MAX_BYTES", 50 * 1024 * 1024)
TTXD_TABULAR_MAX_INFLATED_BYTES = env_int("TTXD_TABULAR_MAX_INFLATED_BYTES", 1024 * 1024 * 1024)
TTXD_TABULAR_MAX_ZIP_RATIO = env_float("TTXD_TABULAR_MAX_ZIP_RATIO", 200.0)
TTXD_TABULAR_MAX_ROWS = env_int("TTXD_TABULAR_MAX_ROWS", 200_000)
TTXD_TABULAR_MAX_COLUMNS = env_int("TTXD_TABULAR_MAX_COLUMNS", 100)

# --- Permit register import (backend.permits.importing) ----------------------
# A row whose position lies outside its ward is kept with a warning; this far
# from the ward it cannot be in the city and the row is refused.
TTXD_PERMIT_IMPORT_MAX_KM_FROM_WARD = env_float("TTXD_PERMIT_IMPORT_MAX_KM_FROM_WARD", 60.0)

# --- Citizens' tips and Open311 (backend.intake): rate limits -----------------
# Tips accepted per key in each fixed window (aligned on the clock), counted
# in PostgreSQL (backend.core.rate_limits) so every web process and replica
# shares them; 0 turns a limit off. Per client address: loose, since a
# household or a café's Wi-Fi shares one; it needs the real address behind a
# proxy (TTXD_TRUSTED_PROXY_COUNT), else every tip shares the proxy's and it
# should be 0. Per device (the id the phone sends): the tightest, one person.
# Per API key: a partner's Open311 client forwards many citizens' reports.
TTXD_TIP_RATE_WINDOW_SECONDS = env_int("TTXD_TIP_RATE_WINDOW_SECONDS", 3600)
TTXD_TIP_RATE_PER_IP = env_int("TTXD_TIP_RATE_PER_IP", 10)
TTXD_TIP_RATE_PER_DEVICE = env_int("TTXD_TIP_RATE_PER_DEVICE", 5)
TTXD_TIP_RATE_PER_API_KEY = env_int("TTXD_TIP_RATE_PER_API_KEY", 600)
# `manage.py prune_rate_counters` (the scheduler, hourly) forgets windows that
# began this long ago; keep it above the longest window, or counts still in
# use would start again from zero.
TTXD_RATE_COUNTER_RETENTION_HOURS = env_float("TTXD_RATE_COUNTER_RETENTION_HOURS", 24.0)

# --- The scheduler (backend.core.scheduler, `manage.py run_scheduler`) ---------
# Jobs are management commands and how often they run, in minutes (0: off).
# Every scheduler process shares these rows: a job runs once per period however
# many schedulers run (`make run` starts one; the compose stack's `scheduler`).
TTXD_SCHEDULED_JOBS = {
    "scan_deadlines": {
        "command": "scan_deadlines",
        "every_minutes": env_int("TTXD_SCAN_DEADLINES_EVERY_MINUTES", 60),
    },
    "prune_rate_counters": {
        "command": "prune_rate_counters",
        "every_minutes": env_int("TTXD_PRUNE_RATE_COUNTERS_EVERY_MINUTES", 60),
    },
    # Daily; idempotent, so a run that falls late in the day (or twice) is harmless.
    "generate_periodic_reports": {
        "command": "generate_periodic_reports",
        "every_minutes": env_int("TTXD_GENERATE_PERIODIC_REPORTS_EVERY_MINUTES", 24 * 60),
    },
}

# --- Citizens' reports through the public page (backend.intake) --------------
# A report sent sooner than this after the form was opened is refused (a robot).
TTXD_TIP_MIN_FILL_SECONDS = env_float("TTXD_TIP_MIN_FILL_SECONDS", 5.0)
# Photos a report takes, and for how long after it was sent.
TTXD_TIP_MAX_PHOTOS = env_int("TTXD_TIP_MAX_PHOTOS", 5)
TTXD_TIP_PHOTO_WINDOW_HOURS = env_float("TTXD_TIP_PHOTO_WINDOW_HOURS", 72.0)
