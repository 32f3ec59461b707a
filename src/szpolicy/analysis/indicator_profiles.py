"""What each agency counts: outputs versus outcomes, scales, qualifiers, and the evidence sentences.

An indicator is an *outcome* when the text reports a rate or a change in a level (上訴率同比下降
24.2%, 平均結案時間縮短38天) and an *output* when it counts what the agency did or served
(開展活動100餘場, 惠及職工16萬人). The cue words live in `data/outcome_cues.yaml`, so the rule can
be read, versioned and swapped without touching the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
import seaborn as sns
import yaml
from matplotlib.figure import Figure

from ..errors import SzpolicyError
from ..io.yamlfile import safe_load
from ..parameters import check_choice
from ..text.punctuation import CLAUSE_BREAKS
from ..text.script import SCRIPT_KEYS
from .attribution import attribute as attribute_rows
from .attribution import with_sentence
from .labels import chart_labels
from .plotting import label, use_cjk_font

KINDS = ("output", "outcome")
KIND_CHOICES = ("all", *KINDS)
ATTRIBUTIONS = ("indicator", "section")
QUALIFIERS = ("exact", "more_than", "at_least", "nearly", "about", "up_to")
LABELS = chart_labels("indicator_profiles")
KIND_LABELS, AXIS, TITLE = LABELS["kind"], LABELS["axis"], LABELS["title"]
PROFILE_COLUMNS = [
    "agency_id",
    "name_zh_hant",
    "name_zh_hans",
    "name_en",
    "n_indicators",
    "n_output",
    "n_outcome",
    *(f"n_{q}" for q in QUALIFIERS),
    "units",
    "max_value",
    "max_unit",
    "max_surface",
]


class OutcomeCuesError(SzpolicyError, ValueError):
    """An outcome-cue file that cannot be used: names the file and the problem."""


@dataclass(frozen=True)
class OutcomeCues:
    """The words and unit kinds that mark an indicator as an outcome (both scripts)."""

    name: str
    version: str
    rate_unit_kinds: frozenset[str]
    rate_nouns: tuple[str, ...]
    change_cues: tuple[str, ...]
    source: str


def _word_list(block: object, key: str, source: str) -> tuple[str, ...]:
    """A cue list given in both scripts, longest words first so the longest cue is reported."""
    if not isinstance(block, dict) or any(s not in block for s in SCRIPT_KEYS):
        raise OutcomeCuesError(
            f"{source}: {key} must map {' and '.join(SCRIPT_KEYS)} to word lists"
        )
    words = set()
    for script in SCRIPT_KEYS:
        items = block[script]
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(w, str) and w.strip() for w in items)
        ):
            raise OutcomeCuesError(f"{source}: {key}.{script} must be a non-empty list of words")
        words.update(w.strip() for w in items)
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def load_outcome_cues(name_or_path: str | Path = "outcome_cues") -> OutcomeCues:
    """Load and check an outcome-cue YAML file, given as a path or a packaged name."""
    path = Path(name_or_path)
    if path.is_file():
        source = path
    else:
        stem = path.name.removesuffix(".yaml")
        source = resources.files("szpolicy.data").joinpath(f"{stem}.yaml")
        if not source.is_file():
            raise OutcomeCuesError(f"{name_or_path}: no such outcome-cue file or packaged name")
    try:
        raw = safe_load(source.read_text("utf-8"))
    except yaml.YAMLError as err:
        raise OutcomeCuesError(f"{source}: not valid YAML: {err}") from None
    keys = ("name", "version", "rate_unit_kinds", "rate_nouns", "change_cues")
    if not isinstance(raw, dict) or any(k not in raw for k in keys):
        raise OutcomeCuesError(f"{source}: the top level must hold the keys {', '.join(keys)}")
    kinds = raw["rate_unit_kinds"]
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise OutcomeCuesError(f"{source}: rate_unit_kinds must be a list of unit kinds")
    return OutcomeCues(
        name=str(raw["name"]),
        version=str(raw["version"]),
        rate_unit_kinds=frozenset(kinds),
        rate_nouns=_word_list(raw["rate_nouns"], "rate_nouns", str(source)),
        change_cues=_word_list(raw["change_cues"], "change_cues", str(source)),
        source=str(source),
    )


def _clause_before(text: str, end: int) -> str:
    """The text of the clause that leads up to position `end` (back to a comma or full stop)."""
    start = end
    while start > 0 and text[start - 1] not in CLAUSE_BREAKS:
        start -= 1
    return text[start:end]


def _reason(row: pd.Series, clause: str, cues: OutcomeCues) -> tuple[str, str, str]:
    """(kind, rule that fired, cue word) for one indicator, following the documented order."""
    if isinstance(row["direction"], str) and row["direction"]:
        return "outcome", "direction", row["direction"]
    if row["unit_kind"] in cues.rate_unit_kinds:
        return "outcome", "rate_unit", row["unit"]
    measure = row["measure"] if isinstance(row["measure"], str) else ""
    noun = next((w for w in cues.rate_nouns if measure.endswith(w)), None)
    if noun:
        return "outcome", "rate_noun", noun
    change = next((w for w in cues.change_cues if w in clause), None)
    if change:
        return "outcome", "change_cue", change
    return "output", "count", ""


def _sentence_text(indicators: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Indicators with their sentence's text, role and offset (one row per indicator, in order)."""
    context = sentences.rename(columns={"char_start": "sentence_start"})
    return with_sentence(indicators, context, ["role", "text", "sentence_start"])


def classify_outcomes(
    indicators: pd.DataFrame, sentences: pd.DataFrame, cues: OutcomeCues | None = None
) -> pd.DataFrame:
    """The indicators with `kind` (output/outcome), the rule that decided it and its cue word."""
    cues = cues or load_outcome_cues()
    context = _sentence_text(indicators, sentences)
    decided = [
        _reason(row, _clause_before(row["text"], row["char_start"] - row["sentence_start"]), cues)
        for _, row in context.iterrows()
    ]
    out = indicators.copy()
    out["kind"] = [k for k, _, _ in decided]
    out["kind_rule"] = [r for _, r, _ in decided]
    out["kind_cue"] = [c for _, _, c in decided]
    return out


def attribute(
    indicators: pd.DataFrame,
    sections: pd.DataFrame | None,
    attribution: str,
    sentences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Indicators keyed by the agency of their sentence, or by their section's lead agency
    (found through their sentence, so annexes and corpora are attributed correctly)."""
    check_choice("attribution", attribution, ATTRIBUTIONS)
    if attribution == "indicator":
        return indicators
    if sections is None or sentences is None:
        raise ValueError("attribution='section' needs the sections and sentences tables")
    out = attribute_rows(indicators.drop(columns="agency_id"), sentences, sections)
    out = out.drop(columns=["part", "role"]).rename(columns={"lead_agency_id": "agency_id"})
    return out[indicators.columns]


def _units(group: pd.DataFrame) -> str:
    """The agency's units, most used first (ties in code-point order), joined with |."""
    counts = group["unit"].fillna("").replace("", "(none)").value_counts()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return "|".join(unit for unit, _ in ordered)


def agency_profile(
    indicators: pd.DataFrame,
    agencies: pd.DataFrame,
    sections: pd.DataFrame | None = None,
    attribution: str = "indicator",
    sentences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per agency: indicators, outputs, outcomes, qualifiers, units and the largest number.

    `indicators` must carry `kind` (see classify_outcomes). With attribution="section" each
    indicator counts for its section's lead agency rather than the agency of its sentence.
    Indicators without an agency are left out. The largest value compares raw numbers across
    units, so read it with its unit and surface.
    """
    if "kind" not in indicators.columns:
        raise ValueError("indicators has no kind column; run classify_outcomes first")
    data = attribute(indicators, sections, attribution, sentences)
    data = data[data["agency_id"].notna() & (data["agency_id"] != "")]
    rows = []
    for agency_id, group in data.groupby("agency_id", sort=True):
        top = group.sort_values(["value", "char_start"], ascending=[False, True]).iloc[0]
        rows.append(
            {
                "agency_id": agency_id,
                "n_indicators": len(group),
                **{f"n_{k}": int((group["kind"] == k).sum()) for k in KINDS},
                **{f"n_{q}": int((group["qualifier"] == q).sum()) for q in QUALIFIERS},
                "units": _units(group),
                "max_value": float(top["value"]),
                "max_unit": top["unit"] if isinstance(top["unit"], str) else "",
                "max_surface": top["surface"],
            }
        )
    profile = pd.DataFrame(rows, columns=[c for c in PROFILE_COLUMNS if not c.startswith("name")])
    unknown = sorted(set(profile["agency_id"]) - set(agencies["agency_id"]))
    if unknown:
        raise ValueError(f"agencies not in the agencies gazetteer: {', '.join(unknown)}")
    names = agencies[["agency_id", "name_zh_hant", "name_zh_hans", "name_en"]]
    profile = profile.merge(names, on="agency_id", how="left")[PROFILE_COLUMNS]
    return profile.sort_values(
        ["n_indicators", "agency_id"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)


def indicator_evidence(indicators: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Each number with its sentence, the number bracketed 【】 in place, so it can be checked."""
    context = _sentence_text(indicators, sentences)
    start = context["char_start"] - context["sentence_start"]
    end = context["char_end"] - context["sentence_start"]
    marked = []
    for text, s, e, surface in zip(context["text"], start, end, context["surface"], strict=True):
        if text[s:e] != surface:
            raise ValueError(f"indicator {surface!r} does not match its sentence at {s}:{e}")
        marked.append(f"{text[:s]}【{text[s:e]}】{text[e:]}")
    context["sentence"] = marked
    return context[[*indicators.columns, "role", "sentence"]].reset_index(drop=True)


def select(
    indicators: pd.DataFrame, kind: str = "all", agency_id: str | None = None
) -> pd.DataFrame:
    """The indicators of one kind (or all) and of one agency (or all)."""
    check_choice("kind", kind, KIND_CHOICES)
    out = indicators if kind == "all" else indicators[indicators["kind"] == kind]
    if agency_id is not None:
        present = sorted(set(indicators["agency_id"].dropna()) - {""})
        check_choice("agency_id", agency_id, [None, *present])
        out = out[out["agency_id"] == agency_id]
    return out.reset_index(drop=True)


def plot_kinds(profile: pd.DataFrame, script: str = "hant") -> Figure:
    """Outputs and outcomes per agency side by side (seaborn bars), most indicators at the top."""
    use_cjk_font()
    data = profile.sort_values(["n_indicators", "agency_id"], ascending=[False, True])
    data = data.assign(agency=label(data, script) if len(data) else pd.Series(dtype="str"))
    long = data.melt(
        id_vars="agency", value_vars=[f"n_{k}" for k in KINDS], var_name="kind", value_name="n"
    )
    long["kind"] = long["kind"].str.removeprefix("n_").map(lambda k: KIND_LABELS[k][script])
    fig = Figure(figsize=(8.0, 1.5 + 0.45 * len(data)), layout="constrained")
    ax = fig.subplots()
    sns.barplot(
        data=long,
        x="n",
        y="agency",
        hue="kind",
        order=list(data["agency"]),
        hue_order=[KIND_LABELS[k][script] for k in KINDS],
        palette="colorblind",
        orient="h",
        ax=ax,
    )
    ax.set_xlabel(AXIS[script])
    ax.set_ylabel("")
    ax.set_title(TITLE[script])
    ax.legend(title="", loc="lower right", frameon=False)
    sns.despine(fig=fig)
    return fig
