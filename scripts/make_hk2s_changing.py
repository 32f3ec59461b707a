"""Write src/szpolicy/text/hk2s_changing.txt: the characters at which OpenCC's hk2s conversion
may change a text, read from the installed OpenCC's dictionaries (see szpolicy.text.unchanged).

Run when OpenCC is upgraded (until then every text is converted, as the file names another
version): `python scripts/make_hk2s_changing.py`.
"""

from __future__ import annotations

from pathlib import Path

import opencc

from szpolicy.text.script import TO_HANS
from szpolicy.text.unchanged import CHANGING, HEADER, changing_characters, dictionary_entries

OUT = Path(__file__).resolve().parents[1] / "src" / "szpolicy" / "text" / CHANGING
WIDTH = 60  # characters a line


def main() -> None:
    """Read the dictionaries and write the file."""
    chars = "".join(sorted(changing_characters(dictionary_entries(TO_HANS))))
    lines = [chars[i : i + WIDTH] for i in range(0, len(chars), WIDTH)]
    about = "# characters where an entry of a dictionary of OpenCC hk2s changes its key"
    OUT.write_text("\n".join([HEADER + opencc.__version__, about, *lines]) + "\n", "utf-8")
    print(f"wrote {OUT} ({len(chars)} characters)")


if __name__ == "__main__":
    main()
