"""Input that must not crash the extractor, and output that must stay well-formed."""
from __future__ import annotations

import json
import random

import pytest

from kg.extract import Article, extract
from kg.extract import pipeline as pipeline_module

CONTRACT_KEYS = ["source", "date", "countries", "blocs", "facts", "speakers", "anomalies", "publisher"]


def check_shape(result: dict, text: str) -> None:
    assert list(result) == CONTRACT_KEYS
    json.dumps(result)
    for fact in result["facts"]:
        assert text[fact["start"]:fact["end"]] == fact["quote"]


@pytest.mark.parametrize("text", [
    "", " ", "\n\n\n", ".", "$", "%", "2023", "$ bn", "the the the",
    "No facts here. Just a quiet afternoon in the park.",
    "Kazakhstan.", "EAEU", "He said.", "In his opinion, nothing.", "agreement",
    "between and", "$1.3bn", "12% of", "Q1", "the Union's member states",
])
def test_degenerate_text(run, text):
    result = run(text)
    check_shape(result, text)


def test_text_without_facts(run):
    result = run("The weather in the mountains was mild. Farmers expect a good harvest, "
                 "and schools reopened after the holidays.")
    assert result["facts"] == [] and result["anomalies"] == [] and result["speakers"] == []


def test_unicode_garbage(run):
    rng = random.Random(7)
    alphabet = "аб€$%‰\u200b\u00a0\ufeff\u202e🙂ق中\t\n\r0123456789.,;:-–—'’\"()[]"
    for _ in range(30):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 400)))
        check_shape(run(text), text)


def test_control_and_surrogate_like_characters(run):
    text = "Trade\x00 between\x07 Kazakhstan \udcff and China reached $1bn in 2023."
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    check_shape(run(text), text)


def test_very_long_text(run, monkeypatch):
    monkeypatch.setattr(pipeline_module, "CHUNK_CHARS", 5_000)
    paragraph = ("Trade between Kazakhstan and Uzbekistan reached $4.5bn in 2022. "
                 "Nothing else happened that day in the quiet town.\n\n")
    text = paragraph * 400
    result = run(text)
    check_shape(result, text)
    assert len(result["facts"]) == 400
    starts = [f["start"] for f in result["facts"]]
    assert starts == sorted(starts) and len(set(starts)) == 400


def test_one_huge_paragraph(run, monkeypatch):
    monkeypatch.setattr(pipeline_module, "CHUNK_CHARS", 3_000)
    text = "word " * 5_000 + "Trade between Kazakhstan and China reached $1bn in 2023."
    result = run(text)
    check_shape(result, text)
    assert len(result["facts"]) == 1


def test_default_length_limit_is_not_hit(run):
    text = ("Trade between Kazakhstan and Uzbekistan reached $4.5bn in 2022.\n\n" * 20_000)
    assert len(text) > 1_000_000
    result = run(text)
    assert len(result["facts"]) == 20_000


def test_extract_is_deterministic(run):
    text = "Trade between Kazakhstan and Uzbekistan reached $4.5bn in 2022, he said."
    assert run(text) == run(text)


def test_article_from_text_has_no_path():
    result = extract(Article.from_text("Nothing.", "2024-01-01"))
    assert result["source"] == "inline" and result["date"] == "2024-01-01"
