"""The Arrow CSV formatter writes what pandas' to_csv writes, and what read_csv reads back."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from szpolicy.io.csvbytes import _needs_quotes, csv_bytes, csv_parts

# Text with the characters CSV must quote, CJK, and missing values.
TEXTS = st.one_of(st.none(), st.text(st.sampled_from('ab,"\n 全角，。《》深圳\t'), max_size=8))
FLOATS = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64))
INTS = st.one_of(st.none(), st.integers(-(2**62), 2**62))


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    """A frame of the dtypes conform() gives: str, int64, Int64, float64, bool, boolean."""
    n = draw(st.integers(0, 6))
    rows = st.lists(
        st.tuples(
            TEXTS,
            st.integers(-5, 10**12),
            INTS,
            FLOATS,
            st.booleans(),
            st.one_of(st.none(), st.booleans()),
        ),
        min_size=n,
        max_size=n,
    )
    df = pd.DataFrame(draw(rows), columns=["text", "count", "maybe", "value", "flag", "maybe_flag"])
    return df.astype(
        {
            "text": "str",
            "count": "int64",
            "maybe": "Int64",
            "value": "float64",
            "flag": "bool",
            "maybe_flag": "boolean",
        }
    )


@settings(max_examples=200, deadline=None, database=None)
@given(frames(), st.booleans())
def test_same_bytes_as_pandas(df: pd.DataFrame, header: bool) -> None:
    expected = df.to_csv(index=False, header=header, lineterminator="\n").encode()
    assert csv_bytes(df, header=header) == expected


def test_carriage_returns_are_quoted_and_read_back() -> None:
    # pandas' writer leaves a lone "\r" unquoted when lines end in "\n"; readers then split there.
    df = pd.DataFrame({"text": ["a\rb", "c"], "n": [1, 2]}).astype({"text": "str"})
    data = csv_bytes(df)
    assert data == b'text,n\n"a\rb",1\nc,2\n'
    back = pd.read_csv(io.BytesIO(data), dtype={"text": "str"})
    assert back["text"].tolist() == ["a\rb", "c"]
    assert back["n"].tolist() == [1, 2]


def test_chunked_columns_and_sliced_frames() -> None:
    # Frames joined from batches hold several Arrow chunks; slices start inside a buffer.
    parts = [pd.DataFrame({"t": [f"x{i},y", f"z{i}"], "v": [np.nan, i / 3]}) for i in range(3)]
    df = pd.concat(parts, ignore_index=True).astype({"t": "str"}).iloc[1:5]
    assert csv_bytes(df) == df.to_csv(index=False, lineterminator="\n").encode()


@settings(max_examples=100, deadline=None, database=None)
@given(frames())
def test_parts_split_the_rows_by_key(df: pd.DataFrame) -> None:
    # sorted by a key column, the rows come back as one part a key, which joined are the table
    df = df.assign(key=[f"r{k // 2}" for k in range(len(df))])
    parts = csv_parts(df, "key")
    assert [key for key, _ in parts] == sorted(set(df["key"]))
    assert b"".join(rows for _, rows in parts) == csv_bytes(df, header=False)
    for key, rows in parts:
        assert rows == csv_bytes(df[df["key"] == key], header=False)


def test_needs_quotes_marks_each_field_holding_a_character_csv_quotes() -> None:
    fields = pa.array(["x", 'a"b', "", "c,d\n,", "，全角", "\r"], pa.large_string()).slice(1)
    assert _needs_quotes(fields).tolist() == [True, False, True, False, True]
    assert _needs_quotes(fields.slice(1, 0)).tolist() == []
