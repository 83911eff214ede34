"""Browser tests: Debian's Chromium driven by Playwright against a live server."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("TTXD_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# made by the test itself (fixtures) are safe to run alongside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def sign_out(page: Any) -> None:
    """Press the header's "Log out", opening the menu first where it is folded (phones)."""
    toggle = page.locator("[data-menu-toggle]")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.click("form[action='/logout/'] button[type=submit]")


def wait_until(page: Any, predicate: str, arg: Any = None, timeout_s: float = 15.0) -> Any:
    """Poll an (async) JS function until it answers something true, and return that.

    Playwright's wait_for_function compiles its predicate inside the page,
    which the pages' Content-Security-Policy (no 'unsafe-eval') forbids;
    page.evaluate goes through the DevTools protocol and is not affected.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        answer = page.evaluate(predicate, arg)
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {predicate}")
        page.wait_for_timeout(100)


# --- The field app on a phone ----------------------------------------------
PASSWORD = "pass-1234-word"  # set by UserFactory
# The phone stands ~25 m north of the field tests' site at (10.77, 106.69).
PHONE_POSITION = {"latitude": 10.77022, "longitude": 106.69005, "accuracy": 12}

# Every item of one of the field app's IndexedDB stores, a stored photo's
# bytes given as their size.
READ_STORE = """
async (storeName) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("ttxd-field");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const items = await new Promise((resolve, reject) => {
    const request = db.transaction(storeName).objectStore(storeName).getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  return items.map(({ blob, ...item }) => ({ ...item, size: blob ? blob.size : null }));
}
"""


def read_store(page: Any, store: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = page.evaluate(READ_STORE, store)
    return items


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone-sized, touch, located browser context, in Vietnamese."""
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        geolocation=PHONE_POSITION,
        permissions=["geolocation"],
        viewport={"width": 412, "height": 860},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def open_field_app(page: Any, live_server: Any, username: str | None = None) -> None:
    """Sign in (unless already) and open /field/ once its service worker controls it,
    as on a phone after its first visit: the app shell is cached, photos go through it."""
    if username is not None:
        log_in(page, live_server, username, PASSWORD)
    page.goto(f"{live_server.url}/field/")
    page.wait_for_selector("#field[data-ready=true]")
    # Signing in lands an inspector on /field/, so the service worker may
    # already control this load: wait for the queues' first pass as well.
    page.wait_for_selector("#field[data-sending=true]")
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
