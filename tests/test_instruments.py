"""Legal instruments: 《》 titles with an instrument kind, named instruments, short references."""

from __future__ import annotations

import pytest

from szpolicy import schema
from szpolicy.stages.instruments import extract_instruments, kind_of
from szpolicy.text.script import hans_aligned
from tests.conftest import sentence_rows as split_sentences


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("深圳經濟特區人工智能產業促進條例", "條例"),
        ("深圳經濟特區公園條例(草案修改二稿)", "條例"),
        ("深圳市打造人工智能先鋒城市的若干措施", "措施"),
        ("关于进一步推进联系点建设的若干意见", "意見"),
        ("分工實施方案", "方案"),
        ("人民政協報", ""),
        ("中國人大", ""),
        ("聯絡動態", ""),
    ],
)
def test_kind_of(title: str, kind: str) -> None:
    assert kind_of(title) == kind


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_instruments_in_text(script: str) -> None:
    text = (
        "制定出台深圳經濟特區公園條例，圍繞影響《條例》實施的原因，在全國率先推出證券仲裁規則和"
        "專利仲裁規則。經驗在《聯絡動態》、《中國人大》雜誌推介，獲《人民政協報》刊發。"
    )
    text = text if script == "hant" else hans_aligned(text)
    table = extract_instruments(split_sentences(text))
    titles = [hans_aligned(t) for t in table["title"]]
    assert titles == ["深圳经济特区公园条例", "条例", "证券仲裁规则", "专利仲裁规则"]
    assert list(table["is_short_reference"]) == [False, True, False, False]
    assert list(table["kind"]) == ["條例", "條例", "規則", "規則"]


def test_seed_instruments(seed) -> None:
    table = extract_instruments(split_sentences(seed.text))
    for row in table.itertuples():
        assert seed.text[row.char_start : row.char_end] == row.title
    assert table["kind"].value_counts().to_dict() == {"條例": 6, "方案": 3, "意見": 2} | {
        "措施": 1,
        "規則": 2,
    }
    assert table["is_draft"].sum() == 1 and table["is_short_reference"].sum() == 1
    assert not table["title"].str.contains("人民政協報|中國人大|聯絡動態").any()
    schema.validate("legal_instruments", schema.conform("legal_instruments", table))
