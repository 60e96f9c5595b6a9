"""Entity and ontology pages: HTML for people, RDF for programs."""
from __future__ import annotations

import json
import re

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.namespace import BASE, ID, RER, bloc, country
from kg.store.oxigraph import OxigraphStore
from server import create_app
from tests.server.live import TIMEOUT, LiveServer

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _get(url: str, accept: str | None = None) -> requests.Response:
    return requests.get(url, headers={"Accept": accept} if accept else {}, timeout=TIMEOUT)


def _json_ld_block(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no embedded JSON-LD"
    return json.loads(match.group(1))


def test_country_page(base):
    r = _get(base + "/id/country/KAZ", HTML)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert "Accept" in r.headers["Vary"]
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    html = r.text
    assert "<h1>Kazakhstan</h1>" in html
    assert 'href="/id/bloc/EAEU"' in html           # membership, rewritten to a local link
    assert "2015-01-01" in html                      # with its date
    assert "wikidata.org/entity/Q232" in html        # sameAs
    assert 'href="/ontology#Country"' in html        # type, linked to the ontology page
    for suffix, kind in ((".ttl", "text/turtle"), (".jsonld", "application/ld+json"), (".nt", "application/n-triples")):
        assert f'<link rel="alternate" type="{kind}" href="/id/country/KAZ{suffix}">' in html
    assert "<svg" in html and "Trade partners" in html
    assert not re.search(r'(src|href)="(https?:)?//(?!www\.wikidata|dbpedia|sws\.geonames|schema)', html.split("<main>")[0])
    embedded = _json_ld_block(html)
    assert embedded["@type"] == "Country" and embedded["name"] == "Kazakhstan"
    assert {"@id": str(bloc("EAEU")), "@type": "Organization", "name": "Eurasian Economic Union"} in embedded["memberOf"]


def test_bloc_page_lists_members(base):
    html = _get(base + "/id/bloc/EAEU", HTML).text
    assert "<h1>Eurasian Economic Union</h1>" in html
    for code in ("ARM", "BLR", "KAZ", "KGZ", "RUS"):
        assert f'href="/id/country/{code}"' in html
    assert _json_ld_block(html)["@type"] == "Organization"


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                        ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_entity_rdf_by_negotiation(base, accept, fmt):
    r = _get(base + "/id/country/KAZ", accept)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(accept)
    g = Graph().parse(data=r.content, format=fmt)
    assert (country("KAZ"), RDFS.label, Literal("Kazakhstan", lang="en")) in g


@pytest.mark.parametrize("suffix,fmt", [(".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt")])
def test_entity_rdf_by_suffix(base, suffix, fmt):
    r = _get(base + "/id/bloc/EAEU" + suffix, HTML)
    assert r.status_code == 200
    g = Graph().parse(data=r.content, format=fmt)
    assert (bloc("EAEU"), RDF.type, RER.RegionalBloc) in g


def test_turtle_is_written_without_escaped_slashes(base):
    """Local names with "/" (id:country/KAZ, gn:1522867/) would need escapes:
    those namespaces are written as full IRIs, the vocabularies as prefixes."""
    query = f"CONSTRUCT WHERE {{ <{country('KAZ')}> ?p ?o }}"
    for url in ("/id/country/KAZ.ttl", "/sparql?" + requests.compat.urlencode({"query": query})):
        text = _get(base + url, "text/turtle").text
        assert "\\/" not in text and "@prefix rdfs:" in text
        assert f"<{country('KAZ')}>" in text
        assert (country("KAZ"), RDFS.label, Literal("Kazakhstan", lang="en")) in Graph().parse(data=text)


def test_unknown_entity_is_404(base):
    assert _get(base + "/id/country/XXX", HTML).status_code == 404
    assert _get(base + "/id/country/XXX.ttl").status_code == 404
    assert _get(base + "/id/nothing/here", "text/turtle").status_code == 404


def test_ontology_page_and_turtle(base):
    r = _get(base + "/ontology", HTML)
    assert r.status_code == 200
    html = r.text
    assert "Regional economic relations ontology" in html
    assert 'id="Country"' in html and 'id="RegionalBloc"' in html
    assert "A country or territory with an ISO 3166-1 code." in html
    assert "Object properties" in html and "Datatype properties" in html
    ttl = _get(base + "/ontology", "text/turtle")
    assert ttl.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=ttl.text, format="turtle")
    assert (RER.Country, RDFS.label, Literal("country", lang="en")) in g
    assert len(Graph().parse(data=_get(base + "/ontology.jsonld").content, format="json-ld")) == len(g)


@pytest.fixture(scope="module")
def hostile():
    """A store whose data tries to inject markup and script into pages."""
    store = OxigraphStore()
    thing = ID["thing/evil"]
    g = URIRef(BASE + "graph/test")
    store.add_triples(g, [
        (thing, RDF.type, RER.Country),
        (thing, RDFS.label, Literal('<script>alert("x")</script> & Co', lang="en")),
        (thing, SKOS.altLabel, Literal("</script><script>alert(2)</script>")),
        (thing, RDFS.seeAlso, URIRef("javascript:alert(3)")),
        (thing, RDFS.comment, Literal('"quoted" <b>bold</b>')),
    ])
    with LiveServer(create_app(store=store)) as server:
        yield server


def test_page_escapes_everything(hostile):
    r = _get(hostile.url + "/id/thing/evil", HTML)
    assert r.status_code == 200
    html = r.text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert 'href="javascript:' not in html
    # The embedded JSON-LD cannot close its script element early.
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "</script" not in block.lower() and "<" not in block
    assert json.loads(block)["name"] == '<script>alert("x")</script> & Co'


def test_claimed_figures_show_beside_the_official_ones(tmp_path):
    """A trade figure the seed article states is shown with the official figure
    for the same keys, its data set and the difference."""
    import re
    from pathlib import Path

    from kg.build import build as build_graph, load as load_files
    from kg.store.layout import DataDir

    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    if not seeds.exists():
        pytest.skip("../shared/seeds not available")
    directory = DataDir(tmp_path / "kg")
    build_graph(directory)
    load_files(directory, sorted(seeds.glob("*.txt")))
    with LiveServer(create_app(data_dir=directory)) as server:
        html = _get(server.url + "/id/country/KGZ", HTML).text
    figure = re.search(r'<p class="figure">Stated: <strong>15\.6 bn USD</strong>(.*?)</p>', html, re.S)
    assert figure, "the stated 15.6 bn USD is on the page"
    official = re.search(r"official: <strong>([\d.,]+ bn USD)</strong> \(the claim differs by ([+-][\d.]+)%\), "
                         r'<a href="([^"]+)"', figure.group(1))
    assert official and official.group(1) != "15.6 bn USD"
    assert 0 < abs(float(official.group(2))) < 10
    assert "/id/dataset/" in official.group(3)


def test_quality_flags_show_on_the_claims_they_concern(tmp_path):
    """The seed article's forecast 'in 2003' (written in 2024) is shown with its flag."""
    from pathlib import Path

    from kg.build import build as build_graph, load as load_files
    from kg.store.layout import DataDir

    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    if not seeds.exists():
        pytest.skip("../shared/seeds not available")
    directory = DataDir(tmp_path / "kg")
    build_graph(directory, only=["ontology", "countries", "blocs"])
    load_files(directory, sorted(seeds.glob("*.txt")))
    with LiveServer(create_app(data_dir=directory)) as server:
        html = _get(server.url + "/id/bloc/EAEU", HTML).text
        country_html = _get(server.url + "/id/country/KAZ", HTML).text
    assert "Flag: forecast-year-before-publication" in html
    assert "2003" in html
    # The article's "member of the EAEU" claims are listed as claims, not as
    # membership spells beside the curated ones.
    members = html[html.index("<h2>Members</h2>"):].split("</table>")[0]
    assert members.count('href="/id/country/KAZ"') == 1
    spells = country_html[country_html.index("<h2>Memberships</h2>"):].split("</table>")[0]
    assert spells.count('href="/id/bloc/EAEU"') == 1
