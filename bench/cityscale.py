"""The city at its real size (issue 16 §2): 168 wards, 2,000,000 parcels and
permits, 200,000 cases, 2,000,000 case events, 500,000 photo rows and 1,000
users, in a database of its own (ttxd_bench_cityscale) so the other benches
keep their small, quick cities.

Parcels, permits and cases come from bench.city (Python rows through COPY).
Users, memberships, events, photo rows and notifications are derived from
them set-based in the database (INSERT … SELECT over generate_series: one
statement per table, no row passes through Python).

Bench data only: the case events are inserted with audit_caseevent's user
triggers disabled (ALTER TABLE … DISABLE TRIGGER USER, as the owner, in this
database alone), so the chain trigger does not stamp and check 2,000,000
rows one by one. Their hashes are unique and linked (each prev_hash is the
hash of the event before) but they are not the real chain hashes, so
`verify_audit` would reject this database: it exists to be read fast.

`TTXD_BENCH_CITY_SCALE=0.1` loads a city a tenth the size (for trying the
bench quickly); the default is the issue's size.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from bench.city import CitySpec, _column_defaults, _secondary_indexes, prepare_city

PASSWORD = "bench-city-scale"  # noqa: S105 (a bench database's test accounts)
EXTRA_VERSION = "1"

SCALE = float(os.environ.get("TTXD_BENCH_CITY_SCALE", "1"))
# 12 × 14 = 168 wards of 0.02° (≈ 2.2 km, ≈ 4.8 km²: an inner ward of the city).
SPEC = CitySpec(
    parcels=int(2_000_000 * SCALE),
    cases=int(200_000 * SCALE),
    wards_per_side=12,
    wards_north=14,
    hot_spots=300,
)
DATABASE = "ttxd_bench_cityscale" + ("" if SCALE == 1 else f"_{SCALE:g}".replace(".", "_"))
EVENTS = int(2_000_000 * SCALE)
PHOTOS = int(500_000 * SCALE)
USERS = 1_000
NOTIFICATIONS_PER_USER = 40


def _defaults_sql(model: object, given: list[str]) -> tuple[str, str, list[object]]:
    """(", col, col", ", %s, %s", params) for the NOT NULL columns not given."""
    defaults = _column_defaults(model, given)
    columns = "".join(f', "{c}"' for c in defaults)
    placeholders = ", %s" * len(defaults)
    return columns, placeholders, list(defaults.values())


def _timed(
    say: Callable[[str], None],
    what: str,
    statements: list[tuple[str, list[object]]],
    *,
    run: bool = True,
) -> None:
    if not run:
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
    say(f"  {what}: {time.perf_counter() - started:.1f} s")


ALL_STEPS = ("users", "events", "photos", "notifications")


def load_extra(
    spec: CitySpec, say: Callable[[str], None], steps: tuple[str, ...] = ALL_STEPS
) -> None:
    """Users with memberships, events, photo rows and notifications, set-based."""
    from django.contrib.auth.hashers import make_password

    from backend.accounts.models import User, WardMembership
    from backend.audit.chain import GENESIS_HASH
    from backend.audit.models import CaseEvent
    from backend.notifications.models import Notification, NotificationKind
    from backend.photos.models import SitePhoto

    password = make_password(PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_user")
        (existing,) = cursor.fetchone()
    # bench.city made bench_city, bench_opener and one inspector per ward; the
    # rest: a leader per ward, three more inspectors per ward, inspectors of
    # two neighbouring wards and city auditors, to 1,000.
    user_cols = ["username", "password", "role", "is_active", "is_staff", "is_superuser",
                 "date_joined", "first_name", "last_name", "email", "full_name"]  # fmt: skip
    u_cols, u_ph, u_params = _defaults_sql(User, user_cols)
    m_cols, m_ph, m_params = _defaults_sql(WardMembership, ["user_id", "ward_id", "since"])
    more = USERS - existing
    auditors = 10
    two_ward = more - auditors - 4 * 168
    _timed(
        say,
        f"{more} more users and their ward memberships",
        [
            ("UPDATE accounts_user SET password = %s", [password]),
            (
                f"""
                INSERT INTO accounts_user ({", ".join(user_cols)}{u_cols})
                SELECT CASE
                         WHEN n <= 168 THEN 'bench_leader_' || w.id
                         WHEN n <= 168 * 4 THEN 'bench_inspector_' || w.id || '_' || ((n - 1) / 168)
                         WHEN n <= 168 * 4 + %s THEN 'bench_inspector_pair_' || n
                         ELSE 'bench_auditor_' || n END,
                       %s,
                       CASE WHEN n <= 168 THEN 'ward_leader'
                            WHEN n <= 168 * 4 + %s THEN 'inspector'
                            ELSE 'city_auditor' END,
                       true, false, false, now(), '', '', '', 'Cán bộ ' || n{u_ph}
                FROM generate_series(1, %s) AS n
                JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM wards_ward) w
                  ON w.k = (n - 1) %% 168
                """,  # noqa: S608 (column names from the models)
                [two_ward, password, two_ward, *u_params, more],
            ),
            (
                f"""
                INSERT INTO accounts_wardmembership (user_id, ward_id, since{m_cols})
                SELECT u.id, w.id, current_date{m_ph}
                FROM accounts_user u
                JOIN wards_ward w ON w.id = split_part(u.username, '_', 3)::int
                WHERE u.username LIKE 'bench_leader_%%'
                """,  # noqa: S608 (column names from the models)
                m_params,
            ),
            (
                f"""
                INSERT INTO accounts_wardmembership (user_id, ward_id, since{m_cols})
                SELECT u.id, w.id, current_date{m_ph}
                FROM accounts_user u
                JOIN wards_ward w ON w.id = split_part(u.username, '_', 3)::int
                WHERE u.username ~ '^bench_inspector_[0-9]+_[0-9]+$'
                """,  # noqa: S608 (column names from the models)
                m_params,
            ),
            (
                f"""
                INSERT INTO accounts_wardmembership (user_id, ward_id, since{m_cols})
                SELECT u.id, w.id, current_date{m_ph}
                FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM accounts_user
                      WHERE username LIKE 'bench_inspector_pair_%%') u
                JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM wards_ward) w
                  ON w.k IN (u.k %% 168, (u.k + 1) %% 168)
                """,  # noqa: S608 (column names from the models)
                m_params,
            ),
            ("ANALYZE accounts_user", []),
            ("ANALYZE accounts_wardmembership", []),
        ],
        run="users" in steps,
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id), count(*) FROM cases_violationcase")
        first_case, _last, cases = cursor.fetchone()
    per_case = max(1, round(EVENTS / cases))
    # Events per case vary (1 … 2·per_case − 1, mean per_case); busy cases have many.
    e_given = ["case_id", "kind", "actor_id", "at", "stage_before", "stage_after", "payload",
               "seq", "prev_hash", "hash"]  # fmt: skip
    e_cols, e_ph, e_params = _defaults_sql(CaseEvent, e_given)
    with connection.cursor() as cursor:
        indexes = _secondary_indexes(cursor, "audit_caseevent")
    _timed(
        say,
        f"~{EVENTS:,} case events (user triggers disabled during the load)",
        [
            ("SET maintenance_work_mem = '512MB'", []),
            ("ALTER TABLE audit_caseevent DISABLE TRIGGER USER", []),
            *[(f'DROP INDEX "{name}"', []) for name, _ in indexes],
            (
                f"""
                INSERT INTO audit_caseevent ({", ".join(e_given)}{e_cols})
                SELECT e.case_id, e.kind, e.actor_id, e.at, e.stage_before, e.stage_after,
                       e.payload, e.seq,
                       CASE WHEN e.seq = 1 THEN %s
                            ELSE encode(sha256(convert_to('bench:' || (e.seq - 1), 'UTF8')), 'hex') END,
                       encode(sha256(convert_to('bench:' || e.seq, 'UTF8')), 'hex'){e_ph}
                FROM (
                    SELECT c.id AS case_id,
                           CASE WHEN k = 1 THEN 'opened' WHEN k %% 4 = 0 THEN 'photo_added'
                                WHEN k %% 4 = 1 THEN 'stage_changed' WHEN k %% 4 = 2 THEN 'note'
                                ELSE 'edited' END AS kind,
                           coalesce(c.assigned_inspector_id, c.opened_by_id) AS actor_id,
                           c.detected_at + (k - 1) * interval '2 days 3 hours' AS at,
                           CASE WHEN k %% 4 = 1 AND k > 1 THEN 'detected' ELSE '' END AS stage_before,
                           CASE WHEN k %% 4 = 1 AND k > 1 THEN c.stage ELSE '' END AS stage_after,
                           CASE WHEN k %% 4 = 2 THEN jsonb_build_object('text', 'Ghi chú ' || k)
                                ELSE '{{}}'::jsonb END AS payload,
                           row_number() OVER (ORDER BY c.detected_at, c.id, k) AS seq
                    FROM cases_violationcase c
                    CROSS JOIN LATERAL generate_series(
                        1, 1 + ((c.id - %s)::bigint * 7919 %% (2 * %s - 1))::int) AS k
                ) e
                ORDER BY e.seq
                """,  # noqa: S608 (column names from the models)
                [GENESIS_HASH, *e_params, first_case, per_case],
            ),
            *[(definition, []) for _, definition in indexes],
            ("ALTER TABLE audit_caseevent ENABLE TRIGGER USER", []),
            ("ANALYZE audit_caseevent", []),
        ],
        run="events" in steps,
    )

    p_given = ["case_id", "original", "original_filename", "sha256", "content_type",
               "size_bytes", "width", "height", "preview", "thumbnail", "note", "metadata",
               "warnings", "uploaded_by_id", "uploaded_at"]  # fmt: skip
    p_cols, p_ph, p_params = _defaults_sql(SitePhoto, p_given)
    with connection.cursor() as cursor:
        p_indexes = _secondary_indexes(cursor, "photos_sitephoto")
    _timed(
        say,
        f"{PHOTOS:,} photo rows",
        [
            ("SET session_replication_role = replica", []),
            *[(f'DROP INDEX "{name}"', []) for name, _ in p_indexes],
            (
                f"""
                INSERT INTO photos_sitephoto ({", ".join(p_given)}{p_cols})
                SELECT c.id, 'photos/bench/' || h || '.jpg', 'IMG_' || n || '.jpg', h,
                       'image/jpeg', 2500000 + n %% 900000, 4000, 3000,
                       'previews/bench/' || h || '.jpg', 'thumbnails/bench/' || h || '.jpg', '',
                       '{{}}'::jsonb, '[]'::jsonb,
                       coalesce(c.assigned_inspector_id, c.opened_by_id),
                       c.detected_at + (n %% 7) * interval '1 hour'{p_ph}
                FROM (SELECT n, encode(sha256(convert_to('photo:' || n, 'UTF8')), 'hex') AS h
                      FROM generate_series(1, %s) AS n) p
                JOIN cases_violationcase c ON c.id = %s + (n::bigint * 7919 %% %s)
                """,  # noqa: S608 (column names from the models)
                [*p_params, PHOTOS, first_case, cases],
            ),
            *[(definition, []) for _, definition in p_indexes],
            ("SET session_replication_role = DEFAULT", []),
            ("ANALYZE photos_sitephoto", []),
        ],
        run="photos" in steps,
    )

    n_given = ["recipient_id", "case_id", "kind", "key", "params", "created_at", "read_at"]
    n_cols, n_ph, n_params = _defaults_sql(Notification, n_given)
    kind = NotificationKind.values[0]
    _timed(
        say,
        f"{NOTIFICATIONS_PER_USER} notifications per ward user",
        [
            ("SET session_replication_role = replica", []),
            (
                f"""
                INSERT INTO notifications_notification ({", ".join(n_given)}{n_cols})
                SELECT m.user_id, c.id, %s, 'bench:' || m.user_id || ':' || c.k, '{{}}'::jsonb,
                       now() - c.k * interval '9 hours',
                       CASE WHEN c.k > 5 THEN now() - c.k * interval '8 hours' END{n_ph}
                FROM (SELECT DISTINCT ON (user_id) user_id, ward_id FROM accounts_wardmembership
                      ORDER BY user_id, ward_id) m
                JOIN (SELECT id, ward_id, row_number() OVER (PARTITION BY ward_id ORDER BY id) AS k
                      FROM cases_violationcase) c ON c.ward_id = m.ward_id AND c.k <= %s
                """,  # noqa: S608 (column names from the models)
                [kind, *n_params, NOTIFICATIONS_PER_USER],
            ),
            ("SET session_replication_role = DEFAULT", []),
            ("ANALYZE notifications_notification", []),
        ],
        run="notifications" in steps,
    )


def prepare(say: Callable[[str], None] = print) -> None:
    prepare_city(SPEC, say, database=DATABASE, extra=(f"extra{EXTRA_VERSION}", load_extra))


# --- Serving the city: gunicorn as deployed, on loopback ------------------------


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _collected_static() -> None:
    """The manifest the production static storage needs (DEBUG off, as deployed)."""
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


@contextmanager
def gunicorn_serving(log_name: str, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """gunicorn with deploy/gunicorn.conf.py (its default, recommended workers and
    threads: 3 × 4) on the bench database; yields the base URL."""
    import subprocess  # noqa: S404 (our own gunicorn and configuration)
    import sys
    import urllib.request

    from django.db import connection as db_connection

    _collected_static()
    root = Path(__file__).resolve().parent.parent
    db = db_connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgis://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "DJANGO_DEBUG": "0",
        "TTXD_BASEMAP_URL": "",
        **(extra_env or {}),
    }
    log_path = Path("/tmp") / f"{log_name}_{port}.log"  # noqa: S108
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--config",
                str(root / "deploy" / "gunicorn.conf.py"),
                "--access-logfile",
                "/dev/null",
                "backend.wsgi:application",
            ],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                        break
                except OSError as exc:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"gunicorn did not start: see {log_path}") from exc
                    time.sleep(0.3)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(60)


def session_cookie(user: object) -> str:
    """A logged-in session for `user`, stored in the bench database."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
