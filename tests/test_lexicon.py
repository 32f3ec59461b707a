"""The digitisation lexicon: shipped files load, both scripts agree, bad files fail clearly."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import opencc
import pytest
import yaml

from szpolicy.io.yamlfile import safe_load
from szpolicy.stages.lexicon import LexiconError, load_lexicon, packaged_lexicons

HK2S = opencc.OpenCC("hk2s")
PACKAGED = resources.files("szpolicy.data").joinpath("digitisation_lexicon.yaml")


def raw_lexicon() -> dict:
    """The packaged lexicon's data, parsed afresh (by libyaml: the cases below parse it 14 times
    at collection, in every worker)."""
    return safe_load(PACKAGED.read_text("utf-8"))


def write(tmp_path: Path, data: dict | str) -> Path:
    path = tmp_path / "lexicon.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_lexicons_load_by_name_with_or_without_suffix() -> None:
    assert packaged_lexicons() == [
        "digitisation_lexicon",
        "digitisation_lexicon_narrow",
        "governance_lexicon",
    ]
    full = load_lexicon("digitisation_lexicon")
    assert load_lexicon("digitisation_lexicon.yaml") == full
    assert full.version == "2.0.1"
    assert [c.id for c in full.categories] == ["ai", "platforms", "data", "online", "devices"]


def test_a_lexicon_loads_from_a_path(tmp_path: Path) -> None:
    data = raw_lexicon()
    data["version"] = "9.9"
    assert load_lexicon(write(tmp_path, data)).version == "9.9"


def test_narrow_lexicon_is_a_strict_subset_of_the_full_one() -> None:
    full = load_lexicon("digitisation_lexicon").surfaces()
    narrow = load_lexicon("digitisation_lexicon_narrow").surfaces()
    assert set(narrow) < set(full)
    assert {cat for cat, _ in narrow.values()} == {"ai", "platforms"}
    assert "12355" not in narrow and "熱線" not in narrow


@pytest.mark.parametrize("name", ["digitisation_lexicon", "digitisation_lexicon_narrow"])
def test_shipped_terms_and_cues_agree_across_scripts(name: str) -> None:
    lexicon = load_lexicon(name)
    for category in lexicon.categories:
        assert HK2S.convert(category.label_zh_hant) == category.label_zh_hans
        for term in category.terms:
            assert HK2S.convert(term.zh_hant) == term.zh_hans
    raw = yaml.safe_load(Path(lexicon.source).read_text("utf-8"))["cues"]
    for key in ("subject_after", "tool_heads", "tool_verbs", "offline"):
        assert {HK2S.convert(w) for w in raw[key]["zh_hant"]} == set(raw[key]["zh_hans"])


def test_surfaces_cover_both_scripts() -> None:
    surfaces = load_lexicon("digitisation_lexicon").surfaces()
    assert surfaces["熱線"] == surfaces["热线"]
    assert surfaces["智慧系統"][0] == surfaces["智慧系统"][0] == "platforms"


def mutate(change):
    data = raw_lexicon()
    change(data)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("version: [unclosed", "not valid YAML"),
        ("!!python/object/apply:os.system ['true']", "not valid YAML"),
        ("- just a list", "top level must be a mapping"),
        (mutate(lambda d: d.pop("version")), "missing key(s) version"),
        (mutate(lambda d: d["categories"][0].pop("label_en")), "category 1 is missing key(s)"),
        (mutate(lambda d: d["categories"][1]["terms"][0].pop("zh_hans")), "missing key(s) zh_hans"),
        (mutate(lambda d: d["cues"].pop("tool_verbs")), "cues is missing key(s) tool_verbs"),
        (mutate(lambda d: d["categories"][2].update(terms=[])), "category 'data' has no terms"),
        (mutate(lambda d: d["categories"][2].pop("terms")), "missing key(s) terms"),
        (
            mutate(lambda d: d["categories"][0]["terms"].append(d["categories"][0]["terms"][0])),
            "duplicate term '人工智能' in category 'ai'",
        ),
        (
            mutate(
                lambda d: d["categories"][4]["terms"].append({"zh_hant": "熱線", "zh_hans": "x"})
            ),
            "duplicate term '熱線' in category 'devices' (already in category 'online')",
        ),
        (
            mutate(
                lambda d: d["categories"][4]["terms"].append({"zh_hant": "x", "zh_hans": "热线"})
            ),
            "duplicate term '热线'",
        ),
        (mutate(lambda d: d["categories"][1].update(id="ai")), "category id 'ai' appears twice"),
        (mutate(lambda d: d["categories"][0]["terms"][0].update(use="both")), "use 'both'"),
        (mutate(lambda d: d.update(default_use="tools")), "default_use must be one of"),
        (mutate(lambda d: d["cues"].update(head_window=-1)), "head_window"),
        (mutate(lambda d: d["cues"].update(title_brackets=["《"])), "title_brackets"),
    ],
)
def test_bad_lexicons_raise_a_clear_error(tmp_path: Path, data, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_unknown_lexicon_names_the_file_and_the_packaged_choices(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(LexiconError, match="nope.yaml: no such lexicon file.*digitisation_lexicon"):
        load_lexicon(missing)
    with pytest.raises(ValueError, match="no packaged lexicon"):
        load_lexicon("digitisation_lexicon_wide")


def test_a_lexicon_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(PACKAGED.read_text("utf-8").encode("gb18030"))
    with pytest.raises(LexiconError, match="not UTF-8"):
        load_lexicon(path)


def test_every_shipped_term_has_a_family_and_variants_are_matched() -> None:
    lexicon = load_lexicon("digitisation_lexicon")
    families = lexicon.families()
    assert all(families.values())
    surfaces = lexicon.surfaces()
    assert surfaces["人工智慧"] == surfaces["人工智能"]  # Taiwan usage of the same term
    assert families["人工智能"] == "ai" and families["信息化"] == "informatisation"


def test_a_term_without_family_takes_its_category_and_bad_variants_fail(tmp_path: Path) -> None:
    data = raw_lexicon()
    data["categories"][0]["terms"][0].pop("family")
    data["categories"][0]["terms"][0].pop("variants")
    lexicon = load_lexicon(write(tmp_path, data))
    assert lexicon.families()[lexicon.categories[0].terms[0].zh_hant] == "ai"
    data["categories"][0]["terms"][0]["variants"] = "人工智慧"
    with pytest.raises(LexiconError, match="variants must be a non-empty list"):
        load_lexicon(write(tmp_path, data))
    data["categories"][0]["terms"][0]["variants"] = ["大數據"]  # a form of another term
    with pytest.raises(LexiconError, match="duplicate term '大數據'"):
        load_lexicon(write(tmp_path, data))
