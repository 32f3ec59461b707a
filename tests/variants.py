"""Generators of unseen-like reports made from the real ones: scraped web pages around a report,
another place's report, annexes, script conversions and odd files. Tests write them to tmp_path."""

from __future__ import annotations

import re
from dataclasses import dataclass

import opencc

# A government web page around a report: what stands before its title and after its text.
CRUMBS = "首页 > 政务公开 > 政府工作报告"
META = "来源：{source}  发布时间：2025-01-20 09:30  浏览次数：1234"
HEADER = ["【字体：大 中 小】【打印】【关闭】", "分享到：微信 微博 QQ空间"]
FOOTER = [
    "扫一扫在手机打开当前页",
    "上一篇：关于印发2025年重点民生实事的通知",
    "下一篇：{source}2024年法治政府建设情况的报告",
    "【打印本页】【关闭窗口】",
    "版权所有：{source}  主办：{source}",
    "网站标识码：6100000001  陕ICP备05004960号-1  陕公网安备61010202000425号",
]


@dataclass(frozen=True)
class Page:
    """A report wrapped as a scraped page: the text, where the title and the body of the report
    start in it, and the line numbers (1-based) of the clutter lines."""

    text: str
    title_at: int
    body_at: int
    clutter_lines: list[int]

    def shift(self, report: str, offset: int) -> int:
        """Where an offset of `titled(title, body)` lies in the page."""
        title_end = report.index("\n")
        return offset + (self.title_at if offset <= title_end else self.body_at - title_end - 2)


def convert(text: str, config: str) -> str:
    """The text converted by OpenCC (s2hk, s2twp, hk2s …)."""
    return opencc.OpenCC(config).convert(text)


CHUNK = re.compile(r"\w+|\W")  # OpenCC converts phrases, never across punctuation or space


def convert_with_offsets(text: str, config: str) -> tuple[str, list[int]]:
    """The text converted by OpenCC, and where each offset of it (and its end) lies in the
    conversion: s2twp turns 优化 into 最佳化, so offsets shift."""
    converter = opencc.OpenCC(config)
    pieces, where, at = [], [], 0
    for m in CHUNK.finditer(text):
        piece = m.group()
        done = converter.convert(piece)
        if len(done) == len(piece):
            where += range(at, at + len(piece))
        else:
            where += [at + len(converter.convert(piece[:k])) for k in range(len(piece))]
        pieces.append(done)
        at += len(done)
    return "".join(pieces), [*where, at]


def titled(title: str, body: str) -> str:
    """A report as its title line, a blank line and its text."""
    return f"{title}\n\n{body}"


def wrap_page(title: str, body: str, source: str, hant: bool = False) -> Page:
    """The report as a scraped web page: breadcrumbs, its title, a source and time line,
    font-size and print buttons and a share line, its text, then a QR-code line,
    previous/next links, print buttons, copyright and ICP lines."""
    head = [CRUMBS, META.format(source=source), *HEADER]
    foot = [line.format(source=source) for line in FOOTER]
    if hant:
        head, foot = [convert(x, "s2hk") for x in head], [convert(x, "s2hk") for x in foot]
    top = f"{head[0]}\n{title}\n" + "\n".join(head[1:]) + "\n\n"
    body = body.rstrip("\n")
    text = top + body + "\n\n" + "\n".join(foot) + "\n"
    n_top, n_body = top.count("\n"), body.count("\n") + 2
    clutter = [1, *range(3, len(head) + 2)]
    clutter += [n_top + n_body + 1 + k for k in range(len(foot))]
    return Page(text, len(head[0]) + 1, len(top), clutter)


def crlf(text: str) -> str:
    """The text with CRLF line ends."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def crlf_offset(text: str, offset: int) -> int:
    """Where an offset of an LF text lies in its CRLF rendering."""
    return offset + text.count("\n", 0, offset)


# A national work report told as a province's: the actor, the whole and the title replaced.
PROVINCE_WORDS = [
    ("国务院", "陕西省人民政府"),
    ("全国人民代表大会", "陕西省人民代表大会"),
    ("全国政协", "省政协"),
    ("全国", "全省"),
    ("我国", "我省"),
]


def provincialise(report: str, title: str = "陕西省政府工作报告") -> str:
    """A national work report (Simplified) as a province's: 国务院 → 陕西省人民政府, 全国 → 全省,
    我国 → 我省, with the province's title on the first line."""
    for old, new in PROVINCE_WORDS:
        report = report.replace(old, new)
    return f"{title}\n\n{report}"


def recity(seed: str, city: str) -> str:
    """The seed (a Shenzhen review) as another city's: every 深圳 replaced, in its script."""
    return seed.replace("深圳", city)


def with_annex(report: str, hant: bool = False) -> str:
    """The report with two annexes: a glossary (附件：名词解释 and numbered run-in terms) and a
    table-like list (附件1)."""
    annex = """附件：名词解释
1.新质生产力：由技术革命性突破、生产要素创新性配置、产业深度转型升级而催生的先进生产力质态。
2.“两重”建设：国家重大战略实施和重点领域安全能力建设。
3.“两新”工作：推动新一轮大规模设备更新和消费品以旧换新。

附件1
2025年重点项目一览表
序号  项目名称  责任单位  完成时限
1  城市更新行动  省住房城乡建设厅  2025年12月
2  数字政府建设  省政务服务数据管理局  2025年10月
3  高标准农田建设  省农业农村厅  2025年11月
"""
    return report.rstrip("\n") + "\n\n" + (convert(annex, "s2hk") if hant else annex)


def first_lines(text: str, n: int) -> list[str]:
    """The first n non-blank lines of a text, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()][:n]


def strip_title(text: str) -> str:
    """The text without its leading blank lines."""
    return re.sub(r"^\s+", "", text)
