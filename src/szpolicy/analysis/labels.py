"""Chart labels in the three scripts, from data/chart_labels.yaml (checked when loaded)."""

from __future__ import annotations

from ..errors import SzpolicyError
from ..parameters import LABEL_SCRIPTS
from ..rules import load as load_rule

FILE = "chart_labels.yaml"


def chart_labels(chart: str) -> dict:
    """The labels of one chart: each a mapping of hant, hans and en to text, possibly nested
    under the choices it depends on (a normalisation, a use)."""
    charts = load_rule("chart_labels").data["charts"]
    if chart not in charts:
        raise SzpolicyError(f"no chart {chart!r}", FILE)
    _check(charts[chart], f"charts.{chart}")
    return charts[chart]


def _check(node: object, where: str) -> None:
    """Refuse a label that does not give a text for every script, naming where it is."""
    if not isinstance(node, dict) or not node:
        raise SzpolicyError(f"{where} must be a mapping", FILE)
    if set(node) & set(LABEL_SCRIPTS):
        if set(node) != set(LABEL_SCRIPTS) or not all(isinstance(v, str) for v in node.values()):
            raise SzpolicyError(f"{where} must give a text for each of {LABEL_SCRIPTS}", FILE)
        return
    for key, child in node.items():
        _check(child, f"{where}.{key}")
