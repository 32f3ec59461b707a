"""The tagger's Viterbi (text/segment.py) gives jieba's own tags, probability and all."""

from __future__ import annotations

import random
import re

import pytest

from szpolicy.io import paths
from szpolicy.text.segment import _jieba, _viterbi, predecessors


@pytest.fixture(scope="module")
def hmm():
    """jieba's HMM tables, its own Viterbi and each state's possible predecessors."""
    posseg = _jieba().posseg
    from jieba.posseg.viterbi import viterbi  # jieba's, not the cached one segment installs

    tables = (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
    return tables, viterbi, predecessors(posseg.trans_P)


def runs() -> list[str]:
    """Runs of Han characters from the national reports (3 to 12 long, as the tagger gets
    them), and random strings of known and unknown characters, which reach every branch."""
    text = "".join(p.read_text("utf-8") for p in sorted((paths.RAW / "national_gwr").glob("*.txt")))
    han = re.findall("[\u4e00-\u9fff]{3,12}", text)
    rng = random.Random(19)
    found = rng.sample(han, 300)
    chars = sorted(set(text) - set("\n")) + ["\uf8ff", "a", "1"]
    found += ["".join(rng.choices(chars, k=rng.randint(1, 10))) for _ in range(300)]
    return found


def test_the_viterbi_gives_jiebas_path_and_probability(hmm) -> None:
    tables, viterbi, sources = hmm
    strings = runs()
    assert [_viterbi(s, *tables, sources) for s in strings] == [
        viterbi(s, *tables) for s in strings
    ]
