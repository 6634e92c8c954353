"""The one error of scenario input: which file, which field, what was expected."""

from __future__ import annotations

import unicodedata
from pathlib import Path


def printable(text: str, keep: str = "") -> str:
    """``text`` with its control characters (other than those in ``keep``) written as escapes
    (``\\x1b``), so a name from a file can never drive the terminal it is printed on."""
    return "".join(ch if unicodedata.category(ch) != "Cc" or ch in keep
                   else ch.encode("unicode_escape").decode("ascii") for ch in text)


class ScenarioError(Exception):
    """A scenario that cannot be used: which file, which field, what was expected."""

    def __init__(self, file: Path | str, field: str, expected: str):
        self.file, self.field, self.expected = str(file), field, expected
        where = f"{self.file}: {field}" if field else self.file
        super().__init__(printable(f"{where}: {expected}", keep="\n"))
