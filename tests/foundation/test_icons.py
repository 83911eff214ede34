"""TTXD's icon: /favicon.ico answers, every page links the icon, the files are what
`manage.py build_icons` draws, and the field app's manifest uses the same icon."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.utils import get_app_template_dirs
from django.test import Client
from PIL import Image

from backend.web import icons
from tests.factories import UserFactory

PASSWORD = "pass-1234-word"  # set by UserFactory
ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_favicon_ico_answers_an_icon_without_a_login() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    ico = Image.open(io.BytesIO(body))
    assert ico.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= set(ico.info["sizes"])


def test_the_committed_icons_are_what_build_icons_draws(tmp_path: Path) -> None:
    written = icons.write_icons(tmp_path / "static", tmp_path / "root")
    for path in written:
        committed = (icons.ROOT_DIR if path.suffix == ".ico" else icons.STATIC_DIR) / path.name
        assert committed.exists(), f"{committed}: run `manage.py build_icons`"
        if path.suffix == ".svg":
            assert committed.read_text() == path.read_text(), committed
            continue
        with Image.open(path) as fresh, Image.open(committed) as kept:
            assert kept.size == fresh.size, committed
            assert kept.convert("RGBA").tobytes() == fresh.convert("RGBA").tobytes(), (
                f"{committed} differs from what `manage.py build_icons` draws"
            )


def test_each_png_has_its_size_and_the_maskable_ones_fill_the_square() -> None:
    for name, (size, maskable) in icons.PNGS.items():
        with Image.open(icons.STATIC_DIR / name) as image:
            assert image.size == (size, size), name
            corner = image.convert("RGBA").getpixel((0, 0))
            assert isinstance(corner, tuple)
            # A maskable / iOS icon is cropped by the system: no transparent corner.
            assert (corner[3] == 255) is maskable, name


def _our_templates() -> dict[str, Path]:
    """Template name -> file, for the project's own templates (not Django's or a library's)."""
    dirs = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    dirs += [Path(d) for d in get_app_template_dirs("templates")]
    ours = [d for d in dirs if d.is_relative_to(ROOT) and ".venv" not in d.parts]
    return {str(p.relative_to(d)): p for d in ours for p in sorted(d.rglob("*.html"))}


def _links_icon(text: str) -> bool:
    return '{% include "ttxd/icons.html" %}' in text or 'rel="icon"' in text


def test_every_page_template_links_the_icon() -> None:
    templates = _our_templates()
    texts = {name: path.read_text() for name, path in templates.items()}
    documents = [name for name, text in texts.items() if re.search(r"<html[\s>]", text, re.I)]
    assert {"base.html", "errors/500.html", "web/swagger_ui.html"} <= set(documents)
    for name in documents:
        assert _links_icon(texts[name]), templates[name]
    # Django's admin pages all extend admin/base_site.html, which TTXD overrides.
    assert _links_icon(texts["admin/base_site.html"])
    # Every page that extends another ends in one of those documents.
    for name in texts:
        seen = [name]
        while extends := re.search(r'{%\s*extends\s+"([^"]+)"', texts.get(seen[-1], "")):
            parent = extends.group(1)
            if parent == seen[-1] or parent not in texts:  # Django's own (admin) templates
                assert parent.startswith("admin/"), seen
                break
            seen.append(parent)
        else:
            assert not seen[1:] or _links_icon(texts[seen[-1]]), seen


@pytest.mark.django_db
def test_pages_link_the_icons_and_the_links_resolve(
    case_a: Any, leader_a: Any, inspector_a: Any
) -> None:
    admin = UserFactory(username="icon_admin", is_staff=True, is_superuser=True)
    pages = {
        None: ["/login/", "/no-such-page/"],
        leader_a: ["/map/", "/cases/", f"/cases/{case_a.pk}/", "/api/docs/", "/audit/"],
        inspector_a: ["/field/"],
        admin: ["/admin/", "/admin/wards/ward/"],
    }
    for user, paths in pages.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for path in paths:
            html = client.get(path).content.decode()
            links = dict(re.findall(r'<link rel="(icon|apple-touch-icon)" href="([^"]+)"', html))
            assert set(links) == {"icon", "apple-touch-icon"}, path
            for href in re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', html):
                assert finders.find(href.removeprefix(settings.STATIC_URL)), (path, href)


@pytest.mark.django_db
def test_the_field_app_installs_with_the_site_icon(client: Client, inspector_a: Any) -> None:
    manifest = client.get("/field/manifest.webmanifest").json()
    by_purpose = {icon.get("purpose", "any"): icon for icon in manifest["icons"]}
    assert by_purpose["maskable"]["src"].endswith("ttxd/icon-maskable-512.png")
    for icon in manifest["icons"]:
        assert "/ttxd/" in icon["src"], icon
        if icon["type"] == "image/png":
            found = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
            assert isinstance(found, str)
            with Image.open(found) as image:
                assert f"{image.width}x{image.height}" == icon["sizes"], icon
