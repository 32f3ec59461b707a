"""Write src/szpolicy/data/jurisdictions.csv from the division codes that the cpca package ships.

Run once when the codes change (the output is committed; the library never imports cpca):

    pip install --target /tmp/gen cpca==0.5.5 pypinyin==0.55.0
    PYTHONPATH=/tmp/gen python scripts/make_jurisdictions.py

cpca (MIT licence) ships resources/adcodes.csv, the GB/T 2260 codes of provinces, prefectures
and counties (12 digits, the first six are the GB/T 2260 code). We keep the country, the 34
provincial-level divisions and the prefecture-level ones; Traditional names come from OpenCC
s2hk, English names of prefectures from pypinyin (provinces' are listed below).
"""

from __future__ import annotations

import csv
from importlib.util import find_spec
from pathlib import Path

import opencc
from pypinyin import lazy_pinyin

OUT = Path(__file__).resolve().parents[1] / "src" / "szpolicy" / "data" / "jurisdictions.csv"
COUNTRY = ("100000", "中华人民共和国", "中国", "国", "national", "", "cn", "China")
# ISO 3166-2:CN subdivision codes (lower case, as id prefixes) and English names, by GB/T 2260.
PROVINCES = {
    "11": ("bj", "Beijing"), "12": ("tj", "Tianjin"), "13": ("he", "Hebei"),
    "14": ("sx", "Shanxi"), "15": ("nm", "Inner Mongolia"), "21": ("ln", "Liaoning"),
    "22": ("jl", "Jilin"), "23": ("hl", "Heilongjiang"), "31": ("sh", "Shanghai"),
    "32": ("js", "Jiangsu"), "33": ("zj", "Zhejiang"), "34": ("ah", "Anhui"),
    "35": ("fj", "Fujian"), "36": ("jx", "Jiangxi"), "37": ("sd", "Shandong"),
    "41": ("ha", "Henan"), "42": ("hb", "Hubei"), "43": ("hn", "Hunan"),
    "44": ("gd", "Guangdong"), "45": ("gx", "Guangxi"), "46": ("hi", "Hainan"),
    "50": ("cq", "Chongqing"), "51": ("sc", "Sichuan"), "52": ("gz", "Guizhou"),
    "53": ("yn", "Yunnan"), "54": ("xz", "Tibet"), "61": ("sn", "Shaanxi"),
    "62": ("gs", "Gansu"), "63": ("qh", "Qinghai"), "64": ("nx", "Ningxia"),
    "65": ("xj", "Xinjiang"), "71": ("tw", "Taiwan"), "81": ("hk", "Hong Kong"),
    "82": ("mo", "Macao"),
}  # fmt: skip
DESIGNATORS = ["特别行政区", "自治区", "自治州", "地区", "省", "市", "盟"]
NOT_PLACES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def designator(name: str) -> str:
    return next(d for d in DESIGNATORS if name.endswith(d))


def short_name(name: str, nations: list[str]) -> str:
    """The name without its designator and trailing ethnic names (恩施土家族苗族自治州 → 恩施)."""
    short = name.removesuffix(designator(name))
    stripped = True
    while stripped:
        stripped = False
        for nation in nations:
            for form in (nation, nation.removesuffix("族")):
                if len(form) > 1 and short.endswith(form) and len(short) > len(form) + 1:
                    short, stripped = short.removesuffix(form), True
    return short


def main() -> None:
    s2hk = opencc.OpenCC("s2hk")
    data = Path(find_spec("cpca").origin).parent / "resources"  # cpca itself needs pyahocorasick
    with data.joinpath("56_nations.csv").open(encoding="utf-8") as f:
        nations = sorted({row[0].strip() for row in csv.reader(f) if row}, key=len, reverse=True)
    with data.joinpath("adcodes.csv").open(encoding="utf-8") as f:
        rows = [(r["adcode"][:6], r["name"]) for r in csv.DictReader(f)]
    out = [COUNTRY]
    provinces = {code[:2]: name for code, name in rows if code.endswith("0000")}
    for code, name in sorted(rows):
        prefix, en = PROVINCES.get(code[:2], ("", ""))
        if code.endswith("0000"):
            out.append((code, name, short_name(name, nations), designator(name), "provincial",
                        COUNTRY[0], prefix, en))  # fmt: skip
        elif code.endswith("00") and name not in NOT_PLACES:
            short = short_name(name, nations)
            slug = f"{prefix}_{''.join(lazy_pinyin(short))}"
            en_name = "".join(lazy_pinyin(short)).capitalize()
            out.append((code, name, short, designator(name), "prefecture",
                        code[:2] + "0000", slug, en_name))  # fmt: skip
    assert len({r[6] for r in out}) == len(out), "slugs must be unique"
    assert len([r for r in out if r[4] == "provincial"]) == 34, provinces
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name_zh_hans", "name_zh_hant", "short_hans", "short_hant",
                    "designator", "level", "parent_code", "slug", "name_en"])  # fmt: skip
        for code, name, short, des, level, parent, slug, en in out:
            w.writerow([code, name, s2hk.convert(name), short, s2hk.convert(short), des, level,
                        parent, slug, en])  # fmt: skip


if __name__ == "__main__":
    main()
