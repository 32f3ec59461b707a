"""Chinese and Arabic numerals: find them in text and read their value.

`cn2an` (after OpenCC) was the first choice, but it rejects forms that policy prose uses every
day: a bare multiplier (千億, 百, 萬), 兩 in its default mode, 幾, and Arabic digits mixed with
several multipliers (1萬2千 needs its "smart" mode, which then refuses 千億). The reader below is
the textbook algorithm (digits times small units 十百千 within a section, sections times 萬/億),
in exact decimals; the tests check it against `cn2an.an2cn` on random integers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

# Financial forms (壹貳參…) are left out: in running prose 參, 伍, 陸 are 參與, 隊伍, 大陸.
DIGITS = {**dict.fromkeys("〇○零", 0), **dict.fromkeys("兩两", 2)} | {
    c: i for i, c in enumerate("一二三四五六七八九", start=1)
}
WRITTEN_DIGITS = "零一二三四五六七八九"
# Label characters read as the plain ones: 两 and 〇, and the formal numerals (壹貳參 …) that
# number the level above 一、 in Traditional reports.
_PLAIN_LABEL = str.maketrans(
    "两兩〇壹贰貳叁參肆伍陆陸柒捌玖拾佰", "二二零一二二三三四五六六七八九十百"
)
VAGUE = "幾几"  # 'some': the smallest reading, 1 before a unit (幾十 -> 10), 0 after (十幾 -> 10)
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {**dict.fromkeys("萬万", 10**4), **dict.fromkeys("億亿", 10**8)}
CN_CHARS = "".join([*DIGITS, *VAGUE, *SMALL_UNITS, *BIG_UNITS])

DIGIT = "[0-9０-９]"
# thousands groups (, or ， before exactly three digits: ２７，２０３，３１９), decimals,
# digits may be spaced out (1 9 9 8, 3 5 5 万: some transcriptions); a decimal point may be
# ·, . or a full-width ．
SPACED = rf"(?:[ \u200b]?{DIGIT})*+"  # possessive, as below: no backtracking blow-up
# and a space before the multiplier of a spaced-out number (1 7 ．5 万人)
ARABIC_TAIL = (
    rf"(?:[,，]{DIGIT}{{3}}(?!{DIGIT}))*"
    # decimals: spaced-out ones (1 0 ．0 6) only where a space sits at the point, so 增长1.5 2020
    # stays two numbers
    rf"(?:[.．·]{DIGIT}+|[ \u200b][.．·][ \u200b]?{DIGIT}{SPACED}|[.．·][ \u200b]{DIGIT}{SPACED})?"
    r"(?:[ \u200b](?=[万萬亿億]))?"
)
ARABIC = f"{DIGIT}{SPACED}{ARABIC_TAIL}"
# A Chinese decimal point between numeral characters: 三十六點九, 一点二
CN_POINT = "(?<=[〇○零两兩一二三四五六七八九十])[點点](?=[〇○零一二三四五六七八九])"
CHINESE = f"(?:[{CN_CHARS}]|{CN_POINT})"
# A numeral: Arabic numbers and Chinese numeral characters in one run (536.8萬, 1萬2千, 千億).
NUMERAL = f"(?:{ARABIC}|{CHINESE})++"
# What a numeral can begin with: a digit, a numeral character or the point of 六点九 (CN_POINT).
# Rules put it as a lookahead before NUMERAL: the same matches, and the engine rejects most
# positions of a sentence with one class test instead of trying NUMERAL's branches there.
NUMERAL_FIRST = f"[0-9０-９{CN_CHARS}點点]"
# NUMERAL as the regex engine scans prose fastest (3x): its first character as a class (so the
# engine skips to where a numeral can start), the rest of an Arabic number it begins, then more.
# Same matches (tests/test_numerals.py checks it); rules that embed a numeral use NUMERAL.
NUMERAL_RE = re.compile(
    f"[0-9０-９{CN_CHARS}](?:(?<={DIGIT}){SPACED}{ARABIC_TAIL})?(?:{ARABIC}|{CHINESE})*"
)
_ARABIC_RE = re.compile(ARABIC)
_FULLWIDTH = str.maketrans("０１２３４５６７８９．·", "0123456789..", ",， \u200b")
_TOKEN_RE = re.compile(f"{ARABIC}|{CHINESE}")


def _decimal(token: str) -> Decimal:
    return Decimal(token.translate(_FULLWIDTH))


def _digit_string(s: str) -> Decimal | None:
    """二〇二四 -> 2024: several digits and no unit are read one by one."""
    if len(s) > 1 and all(c in DIGITS for c in s):
        return Decimal("".join(str(DIGITS[c]) for c in s))
    return None


def _chinese_decimal(s: str) -> str:
    """三點五萬 -> 3.5萬: a Chinese decimal point turns the digits around it Arabic."""
    if "点" not in s and "點" not in s:  # most numerals: no point, nothing to search
        return s

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
    text = _chinese_decimal(s.strip()).replace("萬萬", "億").replace("万万", "亿")  # 六万万 = 6亿
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
        elif part in "零〇○" and pending is None:
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


@dataclass(frozen=True)
class Reading:
    """What a numeral states: its value, the bounds it allows, and how exact it is.

    `value` is the low bound when the numeral itself is vague; `qualifier` is `exact`, `approx`
    (two neighbouring digits: 两三万, 十五六) or `indefinite` (几: 几十, 十几万).
    """

    value: float
    low: float
    high: float
    qualifier: str


# Two neighbouring digits say 'one or the other' (两三万, 三四百, 十五六, 一千二三百); 三五 too.
_APPROX_PAIR_RE = re.compile("[一二两兩三四五六七八][二两兩三四五六七八九]")
_APPROX_PAIRS = {"一二", "一两", "一兩", "两三", "兩三", "三五"} | {
    a + b for a, b in zip("二三四五六七八", "三四五六七八九", strict=True)
}
_VAGUE_RE = re.compile(f"[{VAGUE}]")


def read_numeral(s: str) -> Reading | None:
    """Reading of any numeral NUMERAL_RE finds, vague ones with bounds; None when unreadable.

    幾 is any digit from 2 to 9 (幾十 20..90, 十幾 12..19): 'a few' is more than one.

    Never raises: a build must not stop on a numeral (tests fuzz it).
    """
    try:
        return _read(s)
    except (ValueError, ArithmeticError):
        return None


@lru_cache(maxsize=65536)
def _read(s: str) -> Reading | None:
    if len(s) == 2 and s in _APPROX_PAIRS:  # 两三, 七八: not the digit string 23, 78
        return Reading(DIGITS[s[0]], DIGITS[s[0]], DIGITS[s[1]], "approx")
    if not _VAGUE_RE.search(s):
        try:
            value = parse_number(s)
            return Reading(value, value, value, "exact")
        except ValueError:
            pass
    if _VAGUE_RE.search(s):  # 几 is any digit: 几十 10..90, 十几 11..19, 几 1..9
        if _VAGUE_RE.fullmatch(s):
            return Reading(2, 2, 9, "indefinite")
        low, high = _read(_VAGUE_RE.sub("二", s, 1)), _read(_VAGUE_RE.sub("九", s, 1))
        if low is None or high is None or low.low > high.high:  # 八几: no number reads so
            return None
        return Reading(low.low, low.low, high.high, "indefinite")
    for m in _APPROX_PAIR_RE.finditer(s):
        pair = m.group()
        if pair not in _APPROX_PAIRS:
            continue
        low = _read(s[: m.start()] + pair[0] + s[m.end() :])
        high = _read(s[: m.start()] + pair[1] + s[m.end() :])
        if low is not None and high is not None and low.value < high.value:
            return Reading(low.low, low.low, high.high, "approx")
    return None


def write_numeral(n: int) -> str:
    """1 … 999 written out in Chinese numerals as `cn2an.an2cn` writes them (十二, 一百零五,
    三百一十): the numbers of section headings, read back by `read_label`."""
    if not 1 <= n <= 999:
        raise ValueError(f"{n} outside 1..999")
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    written = WRITTEN_DIGITS[hundreds] + "百" if hundreds else ""
    if tens:
        written += ("" if tens == 1 and not hundreds else WRITTEN_DIGITS[tens]) + "十"
    elif hundreds and units:
        written += "零"
    return written + (WRITTEN_DIGITS[units] if units else "")


@cache
def _labels() -> dict[str, int]:
    """Every label `read_label` reads, in plain numerals: 1 … 999 written out, and 一十 … 一十九."""
    labels = {write_numeral(n): n for n in range(1, 1000)}
    return labels | {"一" + label: n for label, n in labels.items() if label.startswith("十")}


def read_label(label: str) -> int | None:
    """The number of a heading label (三 → 3, 一十二 → 12, 兩百零五 → 205, 貳拾 → 20, １２ → 12),
    or None if it is no number written out as labels are (百, 十十, 二二, 十三五).

    Strict where `read_numeral` is lenient: a bare 百 or a digit string numbers no section.
    """
    if label.isdecimal():
        return int(label)
    return _labels().get(label.translate(_PLAIN_LABEL))


def place(value: float) -> float:
    """Place of a number's last non-zero digit (40 -> 10, 4100 -> 100, 3 -> 1, 2.5 -> 0.1)."""
    d = Decimal(str(value)).normalize()
    exponent = d.as_tuple().exponent
    return float(Decimal(10) ** exponent) if isinstance(exponent, int) else 1.0
