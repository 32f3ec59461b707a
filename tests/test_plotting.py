"""CJK plotting: the bundled font renders every label, labels follow the script, PNGs repeat."""

from __future__ import annotations

import io
import warnings
from dataclasses import replace
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from szpolicy.analysis import labels
from szpolicy.analysis.plotting import cjk_font_path, label, plot_scores, save_figure, use_cjk_font
from szpolicy.errors import SzpolicyError


def scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agency_id": ["youth", "court", "npc"],
            "name_zh_hant": [
                "共青團深圳市委員會",
                "深圳市中級人民法院",
                "深圳市人民代表大會常務委員會",
            ],
            "name_en": ["Youth League", "Intermediate Court", "People's Congress"],
            "score": [14.6, 25.2, 0.0],
            "ci_low": [4.9, 7.8, 0.0],
            "ci_high": [28.4, 39.5, 0.0],
            "rank": [2, 1, 3],
            "n_chars": [205, 318, 1119],
            "n_hits": [3, 8, 0],
            "normalise": "per_1000_chars",
            "use": "tool",
        }
    )


def draw_and_render(draw) -> tuple[Figure, list[str]]:
    """The figure and the missing-glyph warnings raised while drawing and rendering it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = draw()
        fig.savefig(io.BytesIO(), format="png")
    return fig, [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_the_bundled_font_is_registered_and_made_the_default() -> None:
    assert cjk_font_path().name == "NotoSansCJKsc-Regular.otf"
    family = use_cjk_font()
    assert family == "Noto Sans CJK SC"
    assert mpl.rcParams["font.sans-serif"][0] == family
    assert mpl.rcParams["axes.unicode_minus"] is False
    count = len(font_manager.fontManager.ttflist)
    use_cjk_font()
    assert len(font_manager.fontManager.ttflist) == count


def test_labels_follow_the_script() -> None:
    row = scores().iloc[1]
    assert label(row, "hant") == "深圳市中級人民法院"
    assert label(row, "hans") == "深圳市中级人民法院"
    assert label(row, "en") == "Intermediate Court"
    assert (
        label({"name_zh_hant": "總工會", "name_zh_hans": "总工会", "name_en": "x"}, "hans")
        == "总工会"
    )
    assert list(label(scores(), "hans")) == [
        "共青团深圳市委员会",
        "深圳市中级人民法院",
        "深圳市人民代表大会常务委员会",
    ]
    category = {"label_zh_hant": "線上與熱線服務", "label_en": "Online and hotline services"}
    assert label(category, "hans", prefix="label") == "线上与热线服务"
    with pytest.raises(ValueError, match="script must be one of hant, hans, en"):
        label(row, "zh")


@pytest.mark.parametrize("script", ["hant", "hans", "en"])
def test_plot_renders_every_glyph_in_rank_order(script: str) -> None:
    figures = plt.get_fignums()
    fig, missing = draw_and_render(lambda: plot_scores(scores(), script))
    assert missing == []
    assert plt.get_fignums() == figures  # no pyplot state touched
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == list(label(scores().sort_values("rank"), script))


def test_missing_glyphs_would_be_caught() -> None:
    def draw() -> Figure:
        fig = Figure()
        fig.subplots().set_title("深圳市婦女聯合會")
        return fig

    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        assert draw_and_render(draw)[1]


def test_two_saves_give_identical_png_bytes(tmp_path: Path) -> None:
    fig = plot_scores(scores(), "hant")
    first = save_figure(fig, tmp_path / "a" / "scores.png").read_bytes()
    second = save_figure(plot_scores(scores(), "hant"), tmp_path / "b.png").read_bytes()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first == second
    assert b"Software" not in first


def test_bad_script_is_refused() -> None:
    with pytest.raises(ValueError, match="script must be one of"):
        plot_scores(scores(), "latin")


def test_chart_labels_come_from_data_and_need_every_script(monkeypatch) -> None:
    title = labels.chart_labels("digitisation")["title"]["tool"]
    assert set(title) == {"hant", "hans", "en"}
    packaged = labels.load_rule("chart_labels")
    charts = {"digitisation": {"title": {"tool": {"hant": "工具", "en": "tools"}}}}
    spoilt = replace(packaged, data={"charts": charts})
    monkeypatch.setattr(labels, "load_rule", lambda name: spoilt)
    with pytest.raises(SzpolicyError, match=r"charts\.digitisation\.title\.tool") as err:
        labels.chart_labels("digitisation")
    assert err.value.path == "chart_labels.yaml"
