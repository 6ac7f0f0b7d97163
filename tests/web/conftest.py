"""Browser tests: Debian's ``chromium`` driven headless by Playwright against a real ``kg serve``.

Playwright's own browser download is never used (``playwright install`` cannot reach its servers
here); the browser is the system package, installed by ``scripts/install-browser.sh``. A missing
browser fails the tests with that instruction rather than skipping them silently.

Screenshots go to the test's ``tmp_path`` and are copied to ``test-output/screenshots/`` at the
root of the repository, where they are easy to find after a run (the directory is not committed).
A failing test leaves a screenshot of its page there too.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kg.config import PROJECT_ROOT
from tests.api.conftest import live_server  # noqa: F401 - the server the browser talks to

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

#: Where screenshots are collected for people to look at.
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
INSTALL_HINT = "run `sh scripts/install-browser.sh` (installs Debian's chromium package)"
#: Headless Chromium on a machine with a closed network, as root: without the
#: background-networking switches Chromium keeps dialling out and its connections are refused.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Longest wait for anything on a page, in milliseconds.
TIMEOUT_MS = 15_000

Screenshot = Callable[..., Path]


def chromium_path() -> str:
    """The system's chromium, or a failure that says how to install it."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(f"the browser tests need chromium on PATH: {INSTALL_HINT}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session (Playwright gives it a fresh profile directory)."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "the browser tests need Playwright for Python: pip install -e '.[test]'",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:
    """A page in a context of its own (no cookies or storage from other tests; downloads on)."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    try:
        yield opened
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            _save(opened, request, tmp_path, "failure")
        context.close()


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest, tmp_path: Path) -> Screenshot:
    """``screenshot(name)`` saves the whole page (or, with ``full_page=False``, what the window
    shows) under ``tmp_path`` and test-output/screenshots/."""

    def take(name: str, *, full_page: bool = True) -> Path:
        return _save(page, request, tmp_path, name, full_page=full_page)

    return take


def _save(
    page: Page, request: pytest.FixtureRequest, tmp_path: Path, name: str, *, full_page: bool = True
) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.copy(path, SCREENSHOTS / f"{test}-{name}.png")
    return path


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test item, so that fixtures can see a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
