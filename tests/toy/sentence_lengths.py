"""A toy stage for tests/test_stages.py: the length of every sentence of a report's own text."""

from __future__ import annotations

import pandas as pd

from szpolicy.stages.registry import Stage


def sentence_lengths(content: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence: its length in characters."""
    return content[["report_id", "sentence_no"]].assign(n_chars=content["text"].str.len())


STAGE = Stage(sentence_lengths, ("content",), ("sentence_lengths",))
