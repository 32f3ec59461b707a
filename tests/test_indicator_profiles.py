"""Indicator profiles: outputs versus outcomes, per-agency profiles and evidence sentences."""

from __future__ import annotations

from pathlib import Path

import opencc
import pandas as pd
import pytest

import szpolicy
from szpolicy.analysis.indicator_profiles import (
    PROFILE_COLUMNS,
    OutcomeCuesError,
    agency_profile,
    attribute,
    classify_outcomes,
    indicator_evidence,
    load_outcome_cues,
    plot_kinds,
    select,
)
from szpolicy.errors import SzpolicyError

from .conftest import seed_table

HK2S = opencc.OpenCC("hk2s")


def frames(sentence: str, numbers: list[dict], report_id: str = "t", start: int = 50):
    """One sentence and its indicators, offsets computed from each surface's first occurrence."""
    sentences = pd.DataFrame(
        [
            dict(
                report_id=report_id,
                part=1,
                section_no=1,
                sentence_no=1,
                role="body",
                text=sentence,
                char_start=start,
                char_end=start + len(sentence),
            )
        ]
    )
    rows = []
    for n in numbers:
        at = sentence.index(n["surface"])
        rows.append(
            dict(
                report_id=report_id,
                section_no=1,
                sentence_no=1,
                agency_id=n.get("agency_id", "a"),
                surface=n["surface"],
                value=n["value"],
                unit=n.get("unit", ""),
                unit_kind=n.get("unit_kind", "count"),
                qualifier=n.get("qualifier", "exact"),
                direction=n.get("direction", ""),
                measure=n.get("measure", ""),
                char_start=start + at,
                char_end=start + at + len(n["surface"]),
            )
        )
    return pd.DataFrame(rows), sentences


def gazetteer(*ids: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agency_id": list(ids),
            "name_zh_hant": [f"機構{i}" for i in ids],
            "name_zh_hans": [f"机构{i}" for i in ids],
            "name_en": [f"Agency {i}" for i in ids],
        }
    )


def kinds(sentence: str, numbers: list[dict]) -> list[tuple[str, str]]:
    out = classify_outcomes(*frames(sentence, numbers))
    return list(zip(out["kind"], out["kind_rule"], strict=True))


def test_stated_decrease_is_an_outcome_and_activities_are_outputs():
    sentence = "開展活動100餘場,全市法院上訴率同比下降24.2%。"
    numbers = [
        dict(surface="100餘場", value=100.0, unit="場", qualifier="more_than", measure="活動"),
        dict(
            surface="24.2%",
            value=24.2,
            unit="%",
            unit_kind="percent",
            direction="decrease",
            measure="上訴率",
        ),
    ]
    assert kinds(sentence, numbers) == [("output", "count"), ("outcome", "direction")]


def test_each_rule_fires_on_its_own():
    assert kinds("占全省近60%。", [dict(surface="近60%", value=60, unit="%", unit_kind="percent")])[
        0
    ] == ("outcome", "rate_unit")
    assert kinds("結案率達95個。", [dict(surface="95個", value=95, unit="個", measure="結案率")])[
        0
    ] == ("outcome", "rate_noun")
    # no direction in the table (the verb is not right before the number): the clause decides
    assert kinds("受理案件同比增長明顯,達1200件。", [dict(surface="1200件", value=1200)]) == [
        ("output", "count")
    ]
    assert kinds("受理案件同比增長達1200件。", [dict(surface="1200件", value=1200)]) == [
        ("outcome", "change_cue")
    ]


def test_change_cue_after_the_number_does_not_count():
    assert kinds("服務職工16萬人,滿意度提高。", [dict(surface="16萬人", value=160000)]) == [
        ("output", "count")
    ]


def test_simplified_script_cues_match():
    sentence = HK2S.convert("平均結案時間同比縮短了38天。")
    assert kinds(sentence, [dict(surface="38天", value=38, unit="天", unit_kind="duration")]) == [
        ("outcome", "change_cue")
    ]


def test_cues_are_read_from_the_data_file_in_both_scripts():
    cues = load_outcome_cues()
    assert cues.version and "同比" in cues.change_cues
    assert {"減少", "减少", "佔比", "占比"} <= set(cues.change_cues) | set(cues.rate_nouns)
    assert "percent" in cues.rate_unit_kinds


def test_a_swapped_cue_file_changes_the_classification(tmp_path: Path):
    path = tmp_path / "cues.yaml"
    path.write_text(
        "name: t\nversion: '0'\nrate_unit_kinds: []\n"
        "rate_nouns: {zh_hant: [率], zh_hans: [率]}\n"
        "change_cues: {zh_hant: [開展], zh_hans: [开展]}\n",
        encoding="utf-8",
    )
    indicators, sentences = frames("開展活動100場。", [dict(surface="100場", value=100)])
    assert classify_outcomes(indicators, sentences, load_outcome_cues(path))["kind"][0] == (
        "outcome"
    )


def test_a_broken_cue_file_names_the_file_and_the_key(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: t\nversion: '0'\nrate_unit_kinds: []\nrate_nouns: {zh_hant: [率]}\n"
        "change_cues: {zh_hant: [x], zh_hans: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(OutcomeCuesError, match=r"bad\.yaml: rate_nouns"):
        load_outcome_cues(path)
    with pytest.raises(OutcomeCuesError, match="no_such_cues"):
        load_outcome_cues("no_such_cues")


def test_an_indicator_without_its_sentence_is_an_error():
    indicators, sentences = frames("開展活動100場。", [dict(surface="100場", value=100)])
    with pytest.raises(ValueError, match="sentence 1 of t"):
        classify_outcomes(indicators, sentences.assign(sentence_no=2))


def test_evidence_brackets_the_number_in_its_sentence():
    indicators, sentences = frames(
        "組織300多名企業家走進司法機關。", [dict(surface="300多名", value=300)]
    )
    evidence = indicator_evidence(indicators, sentences)
    assert evidence["sentence"][0] == "組織【300多名】企業家走進司法機關。"
    with pytest.raises(ValueError, match="does not match"):
        indicator_evidence(indicators.assign(char_start=indicators["char_start"] + 1), sentences)


def test_profile_counts_kinds_qualifiers_units_and_largest_value():
    sentence = "開展活動100餘場,惠及職工16萬人,近800人出席,上訴率下降24.2%。"
    numbers = [
        dict(surface="100餘場", value=100, unit="場", qualifier="more_than"),
        dict(surface="16萬人", value=160000, unit="人"),
        dict(surface="近800人", value=800, unit="人", qualifier="nearly", agency_id="b"),
        dict(surface="24.2%", value=24.2, unit="%", unit_kind="percent", direction="decrease"),
    ]
    indicators, sentences = frames(sentence, numbers)
    profile = agency_profile(classify_outcomes(indicators, sentences), gazetteer("a", "b"))
    assert list(profile.columns) == PROFILE_COLUMNS
    a = profile.set_index("agency_id").loc["a"]
    assert (a["n_indicators"], a["n_output"], a["n_outcome"]) == (3, 2, 1)
    assert (a["n_exact"], a["n_more_than"], a["n_nearly"]) == (2, 1, 0)
    assert a["units"] == "%|人|場"
    assert (a["max_value"], a["max_surface"]) == (160000, "16萬人")
    assert list(profile["agency_id"]) == ["a", "b"]


def test_profile_needs_kinds_and_known_agencies():
    indicators, sentences = frames("開展活動100場。", [dict(surface="100場", value=100)])
    with pytest.raises(ValueError, match="classify_outcomes"):
        agency_profile(indicators, gazetteer("a"))
    with pytest.raises(ValueError, match="gazetteer: a"):
        agency_profile(classify_outcomes(indicators, sentences), gazetteer("z"))


def test_section_attribution_uses_the_lead_agency_of_the_sentence_part():
    indicators, sentences = frames(
        "開展活動100場。", [dict(surface="100場", value=100, agency_id="x")]
    )
    sections = pd.DataFrame(
        [
            dict(report_id="t", part=1, section_no=1, lead_agency_id="lead"),
            dict(report_id="t", part=2, section_no=1, lead_agency_id="annex"),
        ]
    )
    attributed = attribute(indicators, sections, "section", sentences)
    assert list(attributed["agency_id"]) == ["lead"]
    assert list(attributed.columns) == list(indicators.columns)
    in_annex = attribute(indicators, sections, "section", sentences.assign(part=2))
    assert list(in_annex["agency_id"]) == ["annex"]
    assert list(attribute(indicators, None, "indicator")["agency_id"]) == ["x"]
    with pytest.raises(SzpolicyError, match="attribution='both'"):
        attribute(indicators, sections, "both", sentences)
    with pytest.raises(ValueError, match="needs the sections and sentences"):
        attribute(indicators, sections, "section")


def test_select_validates_kind_and_agency():
    indicators, sentences = frames("開展活動100場。", [dict(surface="100場", value=100)])
    classified = classify_outcomes(indicators, sentences)
    assert len(select(classified, "output", "a")) == 1
    assert len(select(classified, "outcome")) == 0
    with pytest.raises(SzpolicyError, match="kind='outputs'.*'all', 'output', 'outcome'"):
        select(classified, "outputs")
    with pytest.raises(SzpolicyError, match="agency_id='nobody'.*None, 'a'"):
        select(classified, agency_id="nobody")


@pytest.fixture(scope="module")
def seed():
    indicators = seed_table("indicators")
    sentences = seed_table("sentences")
    return classify_outcomes(indicators, sentences), sentences


def test_seed_outcomes_are_the_stated_changes_and_rates(seed):
    classified, _ = seed
    kind = classified.set_index("surface")["kind"]
    assert kind["24.2%"] == kind["27.5%"] == kind["38天"] == "outcome"
    assert kind["100餘場"] == kind["108場"] == kind["16萬人"] == kind["321萬次"] == "output"
    outcomes = classified[classified["kind"] == "outcome"]
    assert set(outcomes["kind_rule"]) <= {"direction", "rate_unit", "rate_noun", "change_cue"}
    assert (outcomes["direction"].notna() | (outcomes["unit_kind"] == "percent")).all()


def test_seed_evidence_and_profile(seed):
    classified, sentences = seed
    evidence = indicator_evidence(classified, sentences)
    assert len(evidence) == len(classified)
    assert evidence["sentence"].str.count("【").eq(1).all()
    agencies = szpolicy.load("agencies")
    sections = seed_table("sections")
    profile = agency_profile(classified, agencies, sections, "section", sentences)
    led = sections.dropna(subset=["lead_agency_id"])["section_no"]
    assert profile["n_indicators"].sum() == classified["section_no"].isin(led).sum()
    court = profile.set_index("agency_id").loc["city_intermediate_court"]
    assert court["n_outcome"] == 3 and court["max_surface"] == "536.8萬條"


def test_plot_renders_every_label_without_missing_glyphs(seed, recwarn):
    classified, _ = seed
    profile = agency_profile(classified, szpolicy.load("agencies"))
    for script in ("hant", "hans", "en"):
        fig = plot_kinds(profile, script)
        fig.canvas.draw()
    assert not [w for w in recwarn if "missing from font" in str(w.message)]
