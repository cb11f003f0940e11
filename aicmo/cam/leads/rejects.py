import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    field: str | None
    reason: str
    values: dict[str, str]

    def message(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}" if self.field else f"line {self.line}: {self.reason}"


def rejects_path_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


class RejectsWriter:
    """Write rejected rows, with their line and reason, to a CSV beside the input so they can be fixed."""

    def __init__(self, source: Path, headers: Sequence[str], *, enabled: bool = True,
                 target: Path | None = None) -> None:
        self.target = target or rejects_path_for(source)
        self.headers = list(headers)
        self.enabled = enabled
        self.path: Path | None = None
        self._file: TextIO | None = None
        self._writer: csv.DictWriter[str] | None = None

    def write(self, rejections: Sequence[Rejection]) -> None:
        if not self.enabled or not rejections:
            return
        if self._writer is None:
            self._file = out = self.target.open("w", encoding="utf-8", newline="")
            fieldnames = ["line", "field", "reason", *self.headers]
            self._writer = csv.DictWriter(out, fieldnames=fieldnames, extrasaction="ignore", restval="")
            self._writer.writeheader()
            self.path = self.target
        for rejection in rejections:
            self._writer.writerow({**rejection.values, "line": rejection.line, "field": rejection.field or "",
                                   "reason": rejection.reason})

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        elif self.enabled and self.target.exists():
            # A stale list from an earlier run of the same file would mislead: this run rejected nothing.
            self.target.unlink()
