"""Chinese and Arabic numerals: find them in text and read their value.

`cn2an` (after OpenCC) was the first choice, but it rejects forms that policy prose uses every
day: a bare multiplier (千億, 百, 萬), 兩 in its default mode, 幾, and Arabic digits mixed with
several multipliers (1萬2千 needs its "smart" mode, which then refuses 千億). The reader below is
the textbook algorithm (digits times small units 十百千 within a section, sections times 萬/億),
in exact decimals; the tests check it against `cn2an.an2cn` on random integers.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Financial forms (壹貳參…) are left out: in running prose 參, 伍, 陸 are 參與, 隊伍, 大陸.
DIGITS = {**dict.fromkeys("〇零", 0), **dict.fromkeys("兩两", 2)} | {
    c: i for i, c in enumerate("一二三四五六七八九", start=1)
}
VAGUE = "幾几"  # 'some': the smallest reading, 1 before a unit (幾十 -> 10), 0 after (十幾 -> 10)
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {**dict.fromkeys("萬万", 10**4), **dict.fromkeys("億亿", 10**8)}
CN_CHARS = "".join([*DIGITS, *VAGUE, *SMALL_UNITS, *BIG_UNITS])

DIGIT = "[0-9０-９]"
ARABIC_TAIL = rf"(?:,[0-9]{{3}})*(?:[.．]{DIGIT}+)?"  # thousands groups, decimals
ARABIC = f"{DIGIT}+{ARABIC_TAIL}"
CHINESE = f"[{CN_CHARS}]"
# A numeral: Arabic numbers and Chinese numeral characters in one run (536.8萬, 1萬2千, 千億).
NUMERAL = f"(?:{ARABIC}|{CHINESE})+"
# NUMERAL as the regex engine scans prose fastest (3x): its first character as a class (so the
# engine skips to where a numeral can start), the rest of an Arabic number it begins, then more.
# Same matches (tests/test_numerals.py checks it); rules that embed a numeral use NUMERAL.
NUMERAL_RE = re.compile(
    f"[0-9０-９{CN_CHARS}](?:(?<={DIGIT}){DIGIT}*{ARABIC_TAIL})?(?:{ARABIC}|{CHINESE})*"
)
_ARABIC_RE = re.compile(ARABIC)
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_TOKEN_RE = re.compile(f"{ARABIC}|{CHINESE}")


def _decimal(token: str) -> Decimal:
    return Decimal(token.translate(_FULLWIDTH).replace(",", ""))


def _digit_string(s: str) -> Decimal | None:
    """二〇二四 -> 2024: several digits and no unit are read one by one."""
    if len(s) > 1 and all(c in DIGITS for c in s):
        return Decimal("".join(str(DIGITS[c]) for c in s))
    return None


def _chinese_decimal(s: str) -> str:
    """三點五萬 -> 3.5萬: a Chinese decimal point turns the digits around it Arabic."""

    def arabic(m: re.Match) -> str:
        whole, frac = m.group(1), m.group(2)
        whole_value = _digit_string(whole) if len(whole) > 1 else Decimal(DIGITS[whole])
        return f"{whole_value}.{''.join(str(DIGITS[c]) for c in frac)}"

    digits = "".join(DIGITS)
    return re.sub(f"([{digits}]+)[點点]([{digits}]+)", arabic, s)


@lru_cache(maxsize=65536)
def parse_number(s: str) -> float:
    """Value of a numeral (321, 536.8萬, 千億, 兩, 二〇二四, 一萬二, ３０); ValueError otherwise.

    Cached: a corpus repeats a small set of numerals (1, 2, 十, 百分之…) many times.
    """
    text = _chinese_decimal(s.strip())
    if not text or text in VAGUE or NUMERAL_RE.fullmatch(text) is None:
        raise ValueError(f"not a number: {s!r}")
    if (digits := _digit_string(text)) is not None:
        return float(digits)
    total = section = Decimal(0)
    pending: Decimal | None = None
    vague_pending = zero_seen = coefficient = False
    last_unit = 0
    for part in _TOKEN_RE.findall(text):
        if part in SMALL_UNITS:
            section += (1 if pending is None else pending) * SMALL_UNITS[part]
            pending, vague_pending, zero_seen, last_unit = None, False, False, SMALL_UNITS[part]
            coefficient = True
        elif part in BIG_UNITS:
            section += pending or 0
            unit = BIG_UNITS[part]
            if unit > 10**4:  # 億 scales everything before it: 一萬億 = 10**12
                total = (total + section if coefficient or total else 1) * unit
            else:
                total += (section if coefficient else 1) * unit
            section, pending, vague_pending, zero_seen = Decimal(0), None, False, False
            last_unit, coefficient = unit, False
        elif part in "零〇" and pending is None:
            zero_seen = True
        else:
            if pending is not None:
                raise ValueError(f"not a number (two digits in a row): {s!r}")
            vague_pending = part in VAGUE
            pending = Decimal(1) if vague_pending else _value(part, s)
            coefficient = True
    if pending is not None and not vague_pending:
        # 一萬二 = 12000, 三千五 = 3500: a trailing digit counts in the next lower unit
        section += pending * (1 if zero_seen or last_unit < 100 else last_unit // 10)
    return float(total + section)


def _value(part: str, original: str) -> Decimal:
    if part in DIGITS:
        return Decimal(DIGITS[part])
    try:
        return _decimal(part)
    except InvalidOperation:
        raise ValueError(f"not a number: {original!r}") from None
