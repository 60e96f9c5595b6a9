"""Fixtures for tests that drive the pages in a real browser: Debian's
Chromium through Playwright, against the real server (waitress on 127.0.0.1)
on a small built graph that also holds hostile labels.

The tests are skipped when Playwright or a `chromium` executable is missing.
Playwright's own browser downloads are not used: the system Chromium is
launched with networking features that call out switched off, and every
request the page makes is recorded; any to another host is refused.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from kg.build import build, load
from kg.namespace import BASE
from kg.store.layout import DataDir
from server import create_app
from tests.server.live import LiveServer

try:
    from playwright import sync_api
except ImportError:  # the tests skip themselves, see `browser`
    sync_api = None
CHROMIUM = shutil.which("chromium")

SOURCES = ["ontology", "countries", "blocs", "trade-sample"]
#: Milliseconds for every browser action and wait.
TIMEOUT_MS = 15_000
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: Markup in labels that would run if a page inserted it as HTML.
HOSTILE_LABEL = "<script>alert(1)</script><img src=x onerror=alert(2)>"
HOSTILE_IRI = BASE + "id/test/hostile"
HOSTILE_TURTLE = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<{HOSTILE_IRI}> rdfs:label "{HOSTILE_LABEL}"@en ;
    skos:altLabel "\\"><svg onload=alert(3)>" ;
    rdfs:comment "<iframe src=javascript:alert(4)></iframe>" ;
    rdfs:seeAlso <javascript:alert(5)> .
"""


@pytest.fixture(scope="session")
def browser_data_dir(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    root = tmp_path_factory.mktemp("kg-browser")
    directory = DataDir(root / "data")
    build(directory, only=SOURCES)
    hostile = root / "hostile.ttl"
    hostile.write_text(HOSTILE_TURTLE, encoding="utf-8")
    load(directory, [hostile])
    return directory


@pytest.fixture(scope="session")
def server(browser_data_dir: DataDir) -> Iterator[LiveServer]:
    with LiveServer(create_app(data_dir=browser_data_dir)) as live:
        yield live


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if sync_api is None:
        pytest.skip("Playwright for Python is not installed")
    if CHROMIUM is None:
        pytest.skip("no chromium executable on PATH")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=TIMEOUT_MS)
        yield browser
        browser.close()


@dataclass
class Watched:
    """A page and what happened on it."""

    page: object
    origin: str
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.refused, f"requests to other hosts: {self.refused}"
        assert not self.page_errors, self.page_errors
        assert not self.console_errors, self.console_errors
        assert not self.dialogs, f"the page opened dialogs: {self.dialogs}"


@pytest.fixture
def watched(browser, server: LiveServer) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    origin = urlsplit(server.url).netloc
    seen = Watched(page=page, origin=origin)

    def route(route) -> None:
        url = route.request.url
        seen.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != origin:
            seen.refused.append(url)
            route.abort()
        else:
            route.continue_()

    def dialog(d) -> None:
        seen.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    context.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
    page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
    page.on("dialog", dialog)
    yield seen
    context.close()


@pytest.fixture
def hostile_path() -> str:
    return "/" + HOSTILE_IRI[len(BASE):]


