"""One field registry (schema/*.yaml) drives validation, typed loading and the codebook."""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray
from pandas.api.types import pandas_dtype
from pandas.arrays import NumpyExtensionArray

from ..errors import SzpolicyError
from ..io.yamlfile import safe_load

# Table order in the build and the datapackage: referenced tables before those that refer.
TABLES = (
    "reports",
    "sections",
    "sentences",
    "agencies",
    "agency_mentions",
    "indicators",
    "numbers_excluded",
    "dates",
    "legal_instruments",
    "digitisation_hits",
    "diagnostics",
)
DTYPES = {"string": "str", "integer": "int64", "number": "float64", "boolean": "bool"}
NULLABLE_DTYPES = {"string": "str", "integer": "Int64", "number": "float64", "boolean": "boolean"}


FIELDS_FILE = "fields.yaml"  # the shared fields, beside the tables' schemas
FOLDERS: list[Traversable] = [resources.files("szpolicy").joinpath("schema")]  # searched in order


def _schema_file(table: str) -> Traversable | None:
    return next((f for d in FOLDERS if (f := d.joinpath(f"{table}.yaml")).is_file()), None)


def has_schema(table: str) -> bool:
    """Whether a table of that name is described (so a stage's value of that name is a table)."""
    return _schema_file(table) is not None


@cache
def shared_fields() -> dict[str, dict]:
    """The fields several tables share (fields.yaml), by name."""
    return safe_load(FOLDERS[0].joinpath(FIELDS_FILE).read_text("utf-8"))


@cache
def spec(table: str) -> dict:
    """The YAML description of a table: fields, keys and words for the codebook; a field listed
    by name is the shared one of fields.yaml."""
    path = _schema_file(table)
    if path is None:
        raise SzpolicyError(f"no schema for table {table!r}")
    described = safe_load(path.read_text("utf-8"))
    return {**described, "fields": [_field(f, path.name) for f in described["fields"]]}


def _field(field: str | dict, source: str) -> dict:
    """A field of a schema in full: a shared one by its name, or the table's own."""
    shared = shared_fields()
    if isinstance(field, str):
        if field not in shared:
            raise SzpolicyError(f"field {field!r} is not one of {FIELDS_FILE}", source)
        return {"name": field, **shared[field]}
    if field["name"] in shared:
        raise SzpolicyError(
            f"{field['name']} is described in {FIELDS_FILE}: list it by name", source
        )
    return field


def sort_key(table: str) -> list[str]:
    """The columns rows are sorted by: the primary key, or `order_by` for a table without one."""
    s = spec(table)
    return s.get("primary_key") or s["order_by"]


def columns(table: str) -> list[str]:
    """The table's columns in codebook order."""
    return [f["name"] for f in spec(table)["fields"]]


def dtypes(table: str) -> dict[str, str]:
    """pandas dtypes of the table's columns (nullable integer where a value may be missing)."""
    return {
        f["name"]: (DTYPES if f.get("required", False) else NULLABLE_DTYPES)[f["type"]]
        for f in spec(table)["fields"]
    }


def conform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Columns in codebook order with their dtypes, rows sorted by the primary key; only the
    columns whose type differs are converted (a stage's table mostly has its types already).

    Built column by column into one new frame: a frame's operations (selection, astype,
    replace, sort) each cost a tenth of a millisecond or more whatever its rows, and a batch
    conforms eleven tables.
    """
    names = columns(table)
    missing = set(names) - set(df.columns)
    if missing:
        raise ValueError(f"{table}: missing columns {sorted(missing)}")
    if not len(df):
        return _empty(table).copy()
    wanted, blank = pandas_dtypes(table), _blank_is_missing(table)
    out = pd.DataFrame({n: _typed(df[n], wanted[n], n in blank) for n in names})
    key = sort_key(table)
    return out if _ties([out[k].array for k in key]) is not None else _sorted(out, key)


def _typed(column: pd.Series, dtype: object, blank_is_missing: bool) -> ExtensionArray | np.ndarray:
    """A column's values with `dtype`, an empty string missing if `blank_is_missing` (as in CSV)."""
    values = column.array if column.dtype == dtype else column.array.astype(dtype)
    if blank_is_missing:  # a text column: Arrow strings, compared by Arrow's kernels
        arrow = pa.array(values)
        empty = pc.equal(arrow, "")
        if pc.any(empty).as_py():
            values = pd.array(pc.if_else(empty, None, arrow), dtype=dtype)
    return values.to_numpy() if isinstance(values, NumpyExtensionArray) else values


@cache
def _empty(table: str) -> pd.DataFrame:
    """The table without rows, its columns typed (a batch's tables are often empty)."""
    return pd.DataFrame({n: pd.Series([], dtype=d) for n, d in pandas_dtypes(table).items()})


@cache
def _blank_is_missing(table: str) -> frozenset[str]:
    """The optional text columns, where an empty string means a missing value."""
    fields = spec(table)["fields"]
    return frozenset(
        f["name"] for f in fields if f["type"] == "string" and not f.get("required", False)
    )


def _ties(key: list[ExtensionArray | np.ndarray]) -> pa.ChunkedArray | pa.Array | None:
    """For each row but the last, whether the next row has the same key; None when the rows are
    not sorted by the key columns (or a key value is missing). Each row's key is compared with
    the next's, column by column while they tie."""
    tied = None
    for values in key:
        arrow = pa.array(values, from_pandas=True)
        if arrow.null_count:
            return None
        before, after = arrow[:-1], arrow[1:]
        down = pc.greater(before, after)
        if pc.any(down if tied is None else pc.and_(tied, down)).as_py():
            return None
        same = pc.equal(before, after)
        tied = same if tied is None else pc.and_(tied, same)
    return tied


def _sorted(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """The rows sorted by the key columns, stably, missing values last."""
    return df.sort_values(key, kind="mergesort").reset_index(drop=True)


@cache
def pandas_dtypes(table: str) -> dict[str, object]:
    """`dtypes` as pandas dtype objects, which a column's dtype compares equal to."""
    return {name: pandas_dtype(dtype) for name, dtype in dtypes(table).items()}


def validate(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Check a table against its schema: exact columns in order, their types, required values,
    enums and a unique key; raise SzpolicyError listing the failures.

    Plain pandas: pandera made the same checks for a fifth of a second of every build's start-up
    (its import alone).
    """
    expected = pandas_dtypes(table)
    wrong = []
    if list(df.columns) != list(expected):
        missing = [c for c in expected if c not in df.columns]
        extra = [c for c in df.columns if c not in expected]
        wrong.append(
            f"columns {list(df.columns)}, expected {list(expected)} "
            f"(missing {missing}, not in the schema {extra})"
        )
    wrong += [
        f"column {name!r} has type {dtype}, expected {expected[name]}"
        for name, dtype in zip(df.columns, df.dtypes, strict=True)
        if name in expected and dtype != expected[name]
    ]
    for f in spec(table)["fields"]:
        if f["name"] not in df.columns:
            continue
        values = df[f["name"]]
        if f.get("required", False) and _may_miss(values) and values.isna().any():
            wrong.append(f"column {f['name']!r} is required: {values.isna().sum()} missing")
        if "enum" in f:
            allowed = set(f["enum"])
            outside = [v for v in values.unique().tolist() if v not in allowed and pd.notna(v)]
            if outside:
                wrong.append(f"column {f['name']!r}: {outside} not in its enum {f['enum']}")
    key = spec(table).get("primary_key")
    if key and set(key) <= set(df.columns) and _may_repeat(df, key, expected):
        repeats = df.duplicated(key)
        if repeats.any():
            repeated = df.loc[repeats, key].drop_duplicates()
            wrong.append(f"primary key {key} repeats: {repeated.head(5).to_dict('records')}")
    if wrong:
        raise SzpolicyError(f"table {table} fails its schema:\n" + "\n".join(wrong))
    return df


def _may_repeat(df: pd.DataFrame, key: list[str], expected: dict[str, object]) -> bool:
    """Whether a key may repeat: not when its columns have their types and the rows are in
    strictly increasing key order, as conform leaves them (a search for repeats costs more)."""
    columns = [df[k] for k in key]
    if any(c.dtype != expected[k] for c, k in zip(columns, key, strict=True)):
        return True
    ties = _ties([c.array for c in columns])
    return ties is None or bool(pc.any(ties).as_py())


def _may_miss(values: pd.Series) -> bool:
    """Whether a column's type can hold a missing value (numpy's integers and booleans cannot:
    their columns need no search for one)."""
    return not (isinstance(values.dtype, np.dtype) and values.dtype.kind in "iub")


def resource(table: str, path: str) -> dict:
    """The datapackage resource for a table: file, format and field descriptions."""
    s = spec(table)
    fields = []
    for f in s["fields"]:
        field = {"name": f["name"], "type": f["type"], "description": f["description"]}
        constraints = {"required": bool(f.get("required", False))}
        if "enum" in f:
            constraints["enum"] = f["enum"]
        field["constraints"] = constraints
        fields.append(field)
    schema = {"fields": fields, "missingValues": [""]}
    if s.get("primary_key"):
        schema["primaryKey"] = s["primary_key"]
    if s.get("foreign_keys"):
        schema["foreignKeys"] = [
            {"fields": fk["fields"], "reference": fk["reference"]} for fk in s["foreign_keys"]
        ]
    return {
        "name": table,
        "title": s["title"],
        "description": s["description"],
        "path": path,
        "profile": "tabular-data-resource",
        "format": path.rsplit(".", 1)[-1] if "." in path else "parquet",
        "encoding": "utf-8",
        "schema": schema,
    }
