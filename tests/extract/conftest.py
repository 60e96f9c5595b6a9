"""Fixtures for the extractor tests: the seed article (read from ../shared, never
copied into the repository), the sample corpus, and a helper to extract from text."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import Article, extract
from kg.extract.gazetteer import Gazetteer

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED = SEEDS / "000_7f203286ebdacbea.txt"
ARTICLES = Path(__file__).resolve().parents[2] / "data" / "articles"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip("seed article not available in ../shared/seeds")
    return SEED


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


@pytest.fixture()
def run(gazetteer):
    """Extract from a text published on the given date (2024-04-17 unless said)."""
    def _run(text: str, date: str | None = "2024-04-17") -> dict:
        return extract(Article.from_text(text, date), gazetteer)
    return _run

