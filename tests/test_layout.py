"""The package's layout: which parts of the library the build and the notebooks depend on."""

from __future__ import annotations

import subprocess
import sys


def test_the_build_imports_no_analysis_and_no_notebook_parameters() -> None:
    code = (
        "import sys, szpolicy.pipeline.build, szpolicy.cli\n"
        "print(sorted(m for m in sys.modules if m.startswith(('szpolicy.analysis', "
        "'szpolicy.parameters', 'szpolicy.notebooks'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
