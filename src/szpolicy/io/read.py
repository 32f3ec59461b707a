"""Read a raw report: decode its bytes, detect encoding and script, refuse what is not text."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import SzpolicyError
from ..text.script import detect_script
from .files import read_limited

MAX_BYTES = 20 * 1024 * 1024
BOMS = (  # UTF-32's before UTF-16's, whose marks begin theirs
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
SIGNATURES = {
    b"\x89PNG": "PNG image",
    b"PK\x03\x04": "ZIP archive",
    b"%PDF": "PDF document",
    b"\x1f\x8b": "gzip archive",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\xd0\xcf\x11\xe0": "Office document",
}
# Characters that are frequent in Chinese prose; they decide between GB18030 and Big5 readings.
COMMON = set("，。、：；「」《》（）的是在和了不有為为人中年市國国會会發发")
# Characters that take three bytes in UTF-8: CJK ideographs and punctuation, full-width forms.
UTF8_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
# A tag of a web page, closed by its `>` (so `<p 0.05` in a statistics sentence is prose)
HTML = re.compile(
    r"<\s*(!doctype|html|head|body|div|p|span|script|meta|table)\b[^<>\n]{0,200}>", re.I
)
KANA = re.compile("[\u3041-\u309f\u30a1-\u30fa]")  # Japanese syllables, rare in Chinese
KANA_SHARE = 0.05


@dataclass(frozen=True)
class Document:
    """A decoded report: text with BOM removed and line endings kept, plus what was detected."""

    report_id: str
    path: Path
    text: str
    encoding: str
    script: str
    sha256: str
    n_bytes: int


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a code-point offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _byte_line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _refuse_binary(data: bytes, path: Path) -> None:
    for magic, kind in SIGNATURES.items():
        if data.startswith(magic):
            raise SzpolicyError(f"binary file ({kind}), not a text report", path, byte=0)


def _decode_legacy(data: bytes) -> tuple[str, str] | None:
    """Try the Chinese legacy encodings and keep the reading with the most common characters."""
    readings = []
    for encoding in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        readings.append((sum(map(text.count, COMMON)), encoding, text))
    if not readings:
        return None
    _, encoding, text = max(readings, key=lambda r: r[0])
    return text, encoding


def _refuse_japanese(data: bytes, path: Path) -> None:
    """Refuse Shift-JIS text: GB18030 reads its bytes too, as garbled Chinese, but as Shift-JIS
    they give kana, which Chinese text has almost none of."""
    try:
        text = data.decode("shift_jis")
    except UnicodeDecodeError:
        return
    if len(KANA.findall(text)) > KANA_SHARE * len(text.strip()):
        raise SzpolicyError(
            "Japanese text (Shift-JIS), not a Chinese report; convert it or leave it out", path
        )


def _looks_utf8(chunk: bytes) -> bool:
    """Valid UTF-8 holding at least two Chinese characters or full-width punctuation."""
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return len(UTF8_CJK.findall(text)) >= 2


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding) or raises naming the byte and line."""
    if not data:
        raise SzpolicyError("empty file", path)
    if len(data) > MAX_BYTES:
        raise SzpolicyError(
            f"file is {len(data):,} bytes, over the {MAX_BYTES:,}-byte limit for one report", path
        )
    _refuse_binary(data, path)
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding.replace("-sig", "")), encoding
            except UnicodeDecodeError as err:
                at = err.start + len(bom)
                raise SzpolicyError(f"invalid {encoding} data", path, byte=at) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SzpolicyError(
            "NUL byte: binary data, or UTF-16 or UTF-32 without a byte-order mark",
            path,
            line=_byte_line(data, nul),
            byte=nul,
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        if _looks_utf8(data[: err.start]) or any(map(_looks_utf8, data.split(b"\n"))):
            # Chinese in valid UTF-8 before the error or on a whole line: a damaged UTF-8 file
            # or one with mixed encodings, not GB or Big5 (whose bytes can pass as UTF-8 by
            # chance for a character or two: GB18030 一 is D2 BB, valid UTF-8 for U+04BB).
            raise SzpolicyError(
                "invalid UTF-8 (damaged file or mixed encodings)",
                path,
                line=_byte_line(data, err.start),
                byte=err.start,
            ) from None
        _refuse_japanese(data, path)
        legacy = _decode_legacy(data)
        if legacy is None:
            raise SzpolicyError(
                "undecodable: not UTF-8, UTF-16 with BOM, GB18030 or Big5-HKSCS",
                path,
                line=_byte_line(data, err.start),
                byte=err.start,
            ) from None
        return legacy


def check_text(text: str, path: Path) -> None:
    """Refuse decoded text that is blank, has control characters, or is markup instead of prose."""
    if not text.strip():
        raise SzpolicyError("file holds only whitespace", path)
    control = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if control:
        line, col = line_col(text, control.start())
        raise SzpolicyError(f"control character U+{ord(control.group()):04X}", path, line, col)
    markup = HTML.search(text)
    if markup:
        line, col = line_col(text, markup.start())
        tag = text[markup.start() : markup.end(1)].strip()
        raise SzpolicyError(
            f"HTML markup ({tag!r}) instead of plain text; save the page as text first",
            path,
            line,
            col,
        )


def read_report(path: str | Path, report_id: str | None = None) -> Document:
    """Read, decode and check one report file."""
    path = Path(path)
    return document(read_limited(path, MAX_BYTES), path, report_id)  # a FIFO is refused, not read


def document(data: bytes, path: Path, report_id: str | None = None) -> Document:
    """A report file's bytes decoded and checked (`path` names it in errors)."""
    text, encoding = decode(data, path)
    check_text(text, path)
    return Document(
        report_id=report_id or path.stem,
        path=path,
        text=text,
        encoding=encoding,
        script=detect_script(text),
        sha256=hashlib.sha256(data).hexdigest(),
        n_bytes=len(data),
    )
