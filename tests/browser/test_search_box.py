"""The search box in the page header, in a real browser: suggestions come from
/api/search as one types, a click or Enter opens the entity's page, and
whatever the API returns is shown as text and never sends the user elsewhere."""
from __future__ import annotations

import json

from tests.browser.conftest import Watched

BOX = "header form.site-search input[name=q]"
OPTIONS = "#site-search-list li[role=option]"


def test_suggestion_click_opens_the_entity_page(watched: Watched, server):
    page = watched.page
    page.goto(server.url + "/ontology", wait_until="load")
    page.locator(BOX).click()
    page.keyboard.type("kazak")
    first = page.locator(OPTIONS).first
    first.wait_for()
    assert first.locator(".label").inner_text() == "Kazakhstan"
    assert page.locator(BOX).get_attribute("aria-expanded") == "true"
    first.click()
    page.wait_for_url(server.url + "/id/country/KAZ")
    assert page.locator("h1").inner_text() == "Kazakhstan"
    watched.assert_clean()


def test_enter_opens_the_best_match(watched: Watched, server):
    page = watched.page
    page.goto(server.url + "/id/country/KAZ", wait_until="load")
    page.locator(BOX).fill("eaeu")
    page.locator(OPTIONS).first.wait_for()
    page.locator(BOX).press("Enter")
    page.wait_for_url(server.url + "/id/bloc/EAEU")
    assert page.locator("h1").inner_text() == "Eurasian Economic Union"
    watched.assert_clean()


def test_arrow_keys_choose_a_suggestion(watched: Watched, server):
    page = watched.page
    page.goto(server.url + "/ontology", wait_until="load")
    page.locator(BOX).fill("turk")
    page.locator(OPTIONS).nth(1).wait_for()
    second = page.locator(OPTIONS).nth(1).locator(".label").inner_text()
    page.locator(BOX).press("ArrowDown")
    assert page.locator(OPTIONS).nth(1).get_attribute("aria-selected") == "true"
    page.locator(BOX).press("Enter")
    page.wait_for_load_state("load")
    page.wait_for_function("(label) => document.querySelector('h1')?.textContent === label", arg=second)
    watched.assert_clean()


def test_the_box_is_on_the_query_page_too(watched: Watched, server):
    page = watched.page
    page.goto(server.url + "/", wait_until="load")
    page.locator(BOX).fill("Türkiye")
    assert page.locator(OPTIONS).first.locator(".label").inner_text(timeout=10_000) == "Turkey"
    watched.assert_clean()


def test_hostile_results_are_text_and_go_nowhere(watched: Watched, server):
    """Whatever /api/search answers is shown as text; a page on another origin
    or a javascript: URL is not offered at all."""
    page = watched.page
    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    body = {"query": "x", "results": [
        {"iri": "x:1", "label": hostile, "type": "x:T", "types": [], "matched": hostile, "match": "label",
         "page": server.url + "/id/country/KAZ", "score": 1},
        {"iri": "x:2", "label": "elsewhere", "type": "x:T", "types": [], "matched": "e", "match": "label",
         "page": "javascript:alert(3)", "score": 1},
        {"iri": "x:3", "label": "other host", "type": "x:T", "types": [], "matched": "o", "match": "label",
         "page": "http://example.org/", "score": 1},
    ]}
    page.route("**/api/search?*", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(body)))
    page.goto(server.url + "/ontology", wait_until="load")
    page.locator(BOX).fill("x")
    page.locator(OPTIONS).first.wait_for()
    page.wait_for_timeout(300)  # let an injected handler fire, if there were one
    assert page.locator(OPTIONS).count() == 1
    assert page.locator(OPTIONS).first.locator(".label").inner_text() == hostile
    assert page.locator("#site-search-list img, #site-search-list script").count() == 0
    assert not watched.dialogs
    watched.assert_clean()
