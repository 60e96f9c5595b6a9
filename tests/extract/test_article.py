"""Reading articles in the three layouts."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from kg.errors import SourceError
from kg.extract.article import Article, read_article, slugify


def test_seed_layout(tmp_path):
    path = tmp_path / "007_ABC def.txt"
    path.write_text("  \n date 2023-11-02 Body starts here. Second sentence.", encoding="utf-8")
    article = read_article(path)
    assert article.date == dt.date(2023, 11, 2)
    assert article.text == "Body starts here. Second sentence."
    assert article.id == "007-abc-def"
    assert article.path == str(path)
    assert article.source == str(path)


def test_seed_file(seed_path):
    article = read_article(seed_path)
    assert article.date == dt.date(2024, 4, 17)
    assert article.text.startswith("Sales between")
    assert article.id == slugify(seed_path.stem)


def test_header_layout(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title: A title\nPublisher: Someone\nDate: 2024-01-31\nURL: https://example.org/a\n"
                    "Language: en\nNote: a note\n\nFirst line.\nMoscow: second line.\n",
                    encoding="utf-8")
    article = read_article(path)
    assert (article.title, article.publisher, article.url, article.language, article.note) == \
        ("A title", "Someone", "https://example.org/a", "en", "a note")
    assert article.date == dt.date(2024, 1, 31)
    assert article.text == "First line.\nMoscow: second line.\n"
    assert article.source == "https://example.org/a"


def test_body_that_looks_like_a_header_is_kept(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("Moscow: talks resumed.\n", encoding="utf-8")
    article = read_article(path)
    assert article.text == "Moscow: talks resumed.\n" and article.date is None


def test_json_sidecar(tmp_path):
    text = tmp_path / "story.txt"
    text.write_text("Plain body.", encoding="utf-8")
    (tmp_path / "story.json").write_text(json.dumps({
        "title": "T", "publisher": "P", "date": "2022-12-01", "url": None, "language": "en"}),
        encoding="utf-8")
    for given in (text, tmp_path / "story.json"):
        article = read_article(given)
        assert article.date == dt.date(2022, 12, 1)
        assert article.title == "T" and article.publisher == "P" and article.url is None
        assert article.text == "Plain body."


def test_sidecar_wins_over_header(tmp_path):
    text = tmp_path / "s.txt"
    text.write_text("Date: 2020-01-01\n\nBody.", encoding="utf-8")
    (tmp_path / "s.json").write_text('{"date": "2021-02-03"}', encoding="utf-8")
    assert read_article(text).date == dt.date(2021, 2, 3)


def test_an_undated_text_is_read_without_a_date(tmp_path):
    path = tmp_path / "nodate.txt"
    path.write_text("Title: x\n\nNo date anywhere.", encoding="utf-8")
    article = read_article(path)
    assert article.date is None and article.title == "x" and article.text.strip() == "No date anywhere."


def test_bad_date_and_bad_json(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("Date: 2024-13-45\n\nBody.", encoding="utf-8")
    with pytest.raises(SourceError, match="bad.txt"):
        read_article(path)
    other = tmp_path / "j.txt"
    other.write_text("Body.", encoding="utf-8")
    (tmp_path / "j.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceError, match="j.json"):
        read_article(other)


def test_missing_file_and_binary(tmp_path):
    with pytest.raises(SourceError, match="absent.txt"):
        read_article(tmp_path / "absent.txt")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00date 2024-01-01")
    with pytest.raises(SourceError, match="bin.txt"):
        read_article(binary)


def test_from_text():
    article = Article.from_text("Hello.", "2024-05-06")
    assert article.date == dt.date(2024, 5, 6)
    assert article.source == "inline"
