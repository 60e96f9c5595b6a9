"""Small helpers shared by the extractor tests."""
from __future__ import annotations


def of_type(result: dict, kind: str) -> list[dict]:
    return [f for f in result["facts"] if f["type"] == kind]


def money_facts(result: dict) -> list[dict]:
    return [f for f in result["facts"] if f["type"] in {"trade", "forecast", "target"}]
