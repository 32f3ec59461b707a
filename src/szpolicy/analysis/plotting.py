"""Seaborn charts whose Chinese labels render (bundled CJK font) and whose PNGs are reproducible."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import matplotlib as mpl
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.figure import Figure

from ..parameters import LABEL_SCRIPTS
from ..text.script import to_hans
from .labels import chart_labels

FONT_PACKAGE = "mplfonts"
FONT_FILE = "NotoSansCJKsc-Regular.otf"  # Pan-CJK: covers Traditional and Simplified
DPI = 150
LABELS = chart_labels("digitisation")
AXIS_LABELS, USE_TITLES = LABELS["axis"], LABELS["title"]
INTERVAL_NOTE, NOTHING = LABELS["interval_note"], LABELS["nothing"]


def _check_script(script: str) -> None:
    if script not in LABEL_SCRIPTS:
        raise ValueError(f"script must be one of {', '.join(LABEL_SCRIPTS)}; got {script!r}")


def cjk_font_path() -> Path:
    """The Noto Sans CJK file shipped with mplfonts (no reliance on system fonts)."""
    try:
        path = Path(str(resources.files(FONT_PACKAGE).joinpath("fonts", FONT_FILE)))
    except ModuleNotFoundError:
        raise FileNotFoundError(
            f"the {FONT_PACKAGE} package is not installed, so the CJK font {FONT_FILE} is missing"
        ) from None
    if not path.is_file():
        raise FileNotFoundError(f"CJK font {FONT_FILE} not found at {path}; reinstall mplfonts")
    return path


def use_cjk_font() -> str:
    """Register the bundled CJK font with matplotlib, make it the default, return its family."""
    path = cjk_font_path()
    if str(path) not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    others = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
    mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["font.sans-serif"] = [family, *others]
    mpl.rcParams["axes.unicode_minus"] = False
    return family


def label(row: Mapping | pd.Series | pd.DataFrame, script: str, prefix: str = "name"):
    """Display label in a script from `{prefix}_zh_hant/_zh_hans/_en` (a Series for a frame).

    Simplified falls back to OpenCC hk2s of the Traditional label when no Simplified one is given.
    """
    _check_script(script)
    if isinstance(row, pd.DataFrame):
        return row.apply(lambda r: label(r, script, prefix), axis=1)
    if script == "en":
        return str(row[f"{prefix}_en"])
    if script == "hans":
        hans = row.get(f"{prefix}_zh_hans")
        if isinstance(hans, str) and hans:
            return hans
        return to_hans(str(row[f"{prefix}_zh_hant"]))
    return str(row[f"{prefix}_zh_hant"])


LABEL_WIDTH = {"hant": 14, "hans": 14, "en": 32}  # characters per line of an agency label


def plot_scores(df: pd.DataFrame, script: str = "hant") -> Figure:
    """Point estimate and interval per agency, best-ranked at the top."""
    _check_script(script)
    use_cjk_font()
    if df.empty:
        fig = Figure(figsize=(8.0, 1.5), layout="constrained")
        ax = fig.subplots()
        ax.axis("off")
        ax.text(0.5, 0.5, NOTHING[script], ha="center", va="center")
        return fig
    data = df.sort_values(["rank", "agency_id"], kind="mergesort").reset_index(drop=True)
    width = LABEL_WIDTH[script]
    labels = label(data, script) if len(data) else pd.Series(dtype="str")
    data["label"] = [textwrap.fill(text, width) for text in labels]
    fig = Figure(figsize=(8.0, 1.5 + 0.5 * len(data)), layout="constrained")
    ax = fig.subplots()
    sns.pointplot(
        data=data,
        x="score",
        y="label",
        order=list(data["label"]),
        linestyle="none",
        errorbar=None,
        color="C0",
        ax=ax,
    )
    ax.hlines(y=range(len(data)), xmin=data["ci_low"], xmax=data["ci_high"], color="C0")
    normalise = data["normalise"].iloc[0] if "normalise" in data and len(data) else "raw"
    use = data["use"].iloc[0] if "use" in data and len(data) else "all"
    ax.set_xlabel(AXIS_LABELS[normalise][script] + INTERVAL_NOTE[script])
    ax.set_ylabel("")
    ax.set_title(USE_TITLES[use][script])
    return fig


def save_figure(fig: Figure, path: str | Path, dpi: int = DPI) -> Path:
    """Write a PNG without the software/version stamp, so two runs give identical bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=dpi, metadata={"Software": None})
    return path
