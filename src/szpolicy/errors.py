"""The project's error type: a problem in the input that the user can fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class SzpolicyError(Exception):
    """Bad input or usage; the CLI prints it as `file:line:col: message` and exits with status 2."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        byte: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.byte = byte
        self.code = code  # a diagnostics code when the build records the error and goes on

    def __str__(self) -> str:
        where = [self.path] if self.path else []
        if self.line is not None:
            where.append(str(self.line))
            if self.column is not None:
                where.append(str(self.column))
        prefix = ":".join(where)
        at_byte = f" (byte {self.byte})" if self.byte is not None else ""
        return f"{prefix}: {self.message}{at_byte}" if prefix else f"{self.message}{at_byte}"


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in one report that the build records in diagnostics.csv and goes on.

    `severity` is "error" (the report was skipped) or "warning" (built, but a reader should
    know: a numbering gap, a report without headings …); `code` is a short stable identifier.
    """

    severity: str
    code: str
    message: str
    line: int | None = None
    column: int | None = None
