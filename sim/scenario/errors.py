"""The one error of scenario input: which file, which field, what was expected."""

from __future__ import annotations

from pathlib import Path


class ScenarioError(Exception):
    """A scenario that cannot be used: which file, which field, what was expected."""

    def __init__(self, file: Path | str, field: str, expected: str):
        self.file, self.field, self.expected = str(file), field, expected
        where = f"{self.file}: {field}" if field else self.file
        super().__init__(f"{where}: {expected}")
