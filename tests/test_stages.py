"""The stage registry: one shape for every stage, and a new table from one module and one schema."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from szpolicy import schema
from szpolicy.io import paths
from szpolicy.pipeline.build import build
from szpolicy.stages import registry

from .toy import sentence_lengths

SEED = paths.RAW / "000_90487d465f63e9bb.txt"
TOY = Path(sentence_lengths.__file__).parent


def test_every_stage_needs_only_what_earlier_stages_produce() -> None:
    available = {"structured"}
    for stage in registry.STAGES:
        assert set(stage.needs) <= available, stage
        assert not set(stage.produces) & available, stage  # each value is produced once
        available |= set(stage.produces)
    assert set(schema.TABLES) - set(registry.BUILD_TABLES) <= available


def test_a_registered_stage_adds_a_table_from_one_module_and_one_schema(
    monkeypatch, tmp_path
) -> None:
    monkeypatch.setattr(registry, "STAGES", [*registry.STAGES, sentence_lengths.STAGE])
    monkeypatch.setattr(schema, "FOLDERS", [*schema.FOLDERS, TOY])
    out = tmp_path / "out"
    counts = build([SEED], out=out).counts
    lengths = pd.read_csv(out / "sentence_lengths.csv", dtype={"report_id": str})
    sentences = pd.read_csv(out / "sentences.csv", dtype={"report_id": str})
    content = sentences[sentences["role"] != "boilerplate"]
    assert counts["sentence_lengths"] == len(lengths) == len(content)
    assert lengths["n_chars"].tolist() == content["text"].str.len().tolist()
    package = json.loads((out / "datapackage.json").read_text("utf-8"))
    toy = next(r for r in package["resources"] if r["name"] == "sentence_lengths")
    assert [f["name"] for f in toy["schema"]["fields"]] == ["report_id", "sentence_no", "n_chars"]


def test_looked_up_is_a_left_merge():
    rows = pd.DataFrame({"r": ["b", "a", "a", "c"], "n": [1, 2, 1, 1], "x": [0, 1, 2, 3]})
    lead = pd.Series(["p", "q", None], dtype=object)
    found = pd.DataFrame({"r": ["a", "b", "a"], "n": [1, 1, 2], "lead": lead})
    merged = rows.merge(found, on=["r", "n"], how="left")
    looked_up = registry._looked_up(rows.set_index("x", drop=False), found, "lead")
    assert looked_up.tolist() == [None if pd.isna(v) else v for v in merged["lead"]]
    assert looked_up.tolist() == ["q", None, "p", None]
    assert looked_up.index.tolist() == [0, 1, 2, 3]
