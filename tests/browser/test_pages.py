"""The query page and entity pages in a real browser: they load everything
from this server, run queries, and show hostile data as text."""
from __future__ import annotations

import pytest

from tests.browser.conftest import HOSTILE_IRI, HOSTILE_LABEL, TIMEOUT_MS, Watched

RUN = ".tabPanel.active .yasqe_queryButton"
ROWS = ".tabPanel.active .yasr table.dataTable tbody tr"


def _open_query_page(watched: Watched, url: str) -> None:
    page = watched.page
    page.goto(url + "/", wait_until="load")
    page.wait_for_selector(".yasgui .CodeMirror")
    # The catalog list is filled from the API once the page has loaded.
    page.wait_for_selector("#catalog button.named-query")


def _cells(watched: Watched, column: int) -> list[str]:
    return watched.page.locator(f"{ROWS} td:nth-child({column})").all_inner_texts()


def test_query_page_loads_from_this_server_only(watched: Watched, server):
    _open_query_page(watched, server.url)
    page = watched.page
    assert page.locator(".yasgui .tabsList a[role=tab]").count() >= 1
    editor_text = page.locator(".tabPanel.active .CodeMirror-code").inner_text()
    assert "PREFIX rer:" in editor_text
    # Syntax highlighting: keywords and prefixed names get their own classes.
    assert page.locator(".tabPanel.active .CodeMirror-code .cm-keyword").count() > 0
    assert watched.requests, "no requests were recorded"
    watched.assert_clean()


def test_prefix_completion_offers_our_prefixes(watched: Watched, server):
    _open_query_page(watched, server.url)
    page = watched.page
    page.evaluate("() => { window.kgYasgui.getTab().setQuery(''); }")
    page.locator(".tabPanel.active .CodeMirror").click()
    page.keyboard.type("PREFIX re")
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    assert any(text.startswith("rer: <") for text in hints.all_inner_texts())
    watched.assert_clean()


def test_example_query_runs_and_shows_a_table(watched: Watched, server):
    _open_query_page(watched, server.url)
    page = watched.page
    page.get_by_role("button", name="Memberships of the EAEU over time").click()
    page.locator(RUN).click()
    page.wait_for_selector(ROWS)
    iso3 = _cells(watched, 2)
    assert {"ARM", "BLR", "KAZ", "RUS"} <= set(iso3)
    assert page.locator(".tabPanel.active .yasr .tabsList a, .tabPanel.active .yasr_header").count() > 0
    watched.assert_clean()


def test_named_query_opens_in_a_tab_and_binds_parameters(watched: Watched, server):
    _open_query_page(watched, server.url)
    page = watched.page
    page.locator("#catalog button.named-query[data-name=bloc_members]").click()
    assert "# title: Members of a bloc" in page.locator(".tabPanel.active .CodeMirror-code").inner_text()
    page.fill("#catalog-params input[name=bloc]", "EAEU")
    page.fill("#catalog-params input[name=date]", "2015-03-01")
    page.locator("#catalog-form button[type=submit]").click()
    page.wait_for_function("() => window.kgYasgui.getTab().getQuery().includes('VALUES')", timeout=TIMEOUT_MS)
    page.locator(RUN).click()
    page.wait_for_selector(ROWS)
    assert sorted(_cells(watched, 3)) == ["ARM", "BLR", "KAZ", "RUS"]
    # This graph's IRIs link to this server's pages.
    href = page.locator(f"{ROWS} td:nth-child(2) a.iri").first.get_attribute("href")
    assert href.startswith("/id/country/")
    watched.assert_clean()


def test_entity_page_shows_label_and_memberships(watched: Watched, server):
    page = watched.page
    page.goto(server.url + "/id/country/KAZ", wait_until="load")
    assert page.locator("h1").inner_text() == "Kazakhstan"
    memberships = page.locator("section", has=page.get_by_role("heading", name="Memberships"))
    text = memberships.inner_text()
    assert "EAEU" in text or "Eurasian Economic Union" in text
    assert memberships.locator("a[href='/id/bloc/EAEU']").count() >= 1
    watched.assert_clean()


def test_hostile_label_on_the_entity_page_is_text(watched: Watched, server, hostile_path):
    page = watched.page
    page.goto(server.url + hostile_path, wait_until="load")
    page.wait_for_timeout(300)  # let an injected handler fire, if there were one
    assert page.locator("h1").inner_text() == HOSTILE_LABEL
    assert page.locator("main script, main img, main iframe, main svg[onload]").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    assert not watched.dialogs
    watched.assert_clean()


@pytest.mark.parametrize("policy", ["served", "removed"])
def test_hostile_label_in_the_results_table_is_text(watched: Watched, server, policy):
    """Nothing runs, with the page's security policy and without it: the
    table escapes values itself. With the policy, the browser also reports
    the event handlers it saw while YASGUI's sanitiser parsed the values in
    a detached document, which count as blocked, not as errors."""
    page = watched.page
    if policy == "removed":
        def without_policy(route) -> None:
            response = route.fetch()
            kept = {k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"}
            route.fulfill(response=response, headers=kept)
        page.route(server.url + "/", without_policy)
    _open_query_page(watched, server.url)
    query = f"SELECT ?p ?value WHERE {{ <{HOSTILE_IRI}> ?p ?value }} ORDER BY ?p"
    page.evaluate("(q) => { window.kgYasgui.getTab().setQuery(q); }", query)
    page.locator(RUN).click()
    page.wait_for_selector(ROWS)
    page.wait_for_timeout(500)  # let an injected handler fire, if there were one
    values = _cells(watched, 3)
    assert any(HOSTILE_LABEL in v for v in values), values
    table = page.locator(".tabPanel.active .yasr table.dataTable tbody")
    assert table.locator("script, img, iframe, svg").count() == 0
    assert table.locator("a[href^='javascript:']").count() == 0
    assert not watched.dialogs
    watched.console_errors = [e for e in watched.console_errors if not _blocked_handler(e)]
    watched.assert_clean()


def _blocked_handler(message: str) -> bool:
    return "inline event handler violates the following Content Security Policy" in message


def test_shared_link_runs_here_whatever_endpoint_it_names(watched: Watched, server):
    """A link from the share button opens its query, and runs it against this
    server even if the link was edited to name another endpoint."""
    page = watched.page
    link = (server.url + "/?query=ASK%20%7B%20%3Fb%20rer%3AshortName%20%22EAEU%22%20%7D"
            "&endpoint=http%3A%2F%2Fexample.org%2Fsparql")
    page.goto(link, wait_until="load")
    assert page.locator(".tabPanel.active .yasr .booleanResult").inner_text().strip() == "True"
    assert page.evaluate("() => window.kgYasgui.getTab().getEndpoint()") == server.url + "/sparql"
    assert "shortName" in page.evaluate("() => window.kgYasgui.getTab().getQuery()")
    assert page.locator(".yasgui .tabsList").inner_text().count("Shared query") == 1
    watched.assert_clean()
