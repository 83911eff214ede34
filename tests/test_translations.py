"""The Vietnamese catalogue covers every message in the code (Vietnamese first)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["backend", "gis", "fixtures", "frontend/templates", "frontend/static", "manage.py"]
IGNORE = ["--ignore=frontend/node_modules/*", "--ignore=var/*", "--ignore=staticfiles/*"]


def test_vietnamese_catalogues_translate_every_message_in_the_code(tmp_path):
    # makemessages writes into every `locale` folder it walks past, so it runs
    # on a copy of the sources: the project's own catalogues stay untouched.
    copy = tmp_path / "src"
    for name in SOURCES:
        source = ROOT / name
        target = copy / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    # Settings need a database URL to load; makemessages never connects.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "PYTHONPATH": str(copy),
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgis://unused@127.0.0.1/unused"),
        "DJANGO_SECRET_KEY": "translation-check",
    }
    for domain in ("django", "djangojs"):
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "vi", "-d", domain,
             "--no-obsolete", "-v", "0", *IGNORE],
            cwd=copy, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
    for domain in ("django", "djangojs"):
        po = copy / "backend" / "locale" / "vi" / "LC_MESSAGES" / f"{domain}.po"
        result = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        stats = result.stderr.strip().splitlines()[-1]
        assert "untranslated" not in stats and "fuzzy" not in stats, (
            f"backend/locale/vi/LC_MESSAGES/{domain}.po is incomplete ({stats}): "
            "run `make messages` and translate the new entries"
        )
