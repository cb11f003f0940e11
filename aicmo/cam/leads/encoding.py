"""Decide a lead file's encoding from the whole file, not from its first megabyte.

A file is UTF-8 unless most of what it holds beyond ASCII is not: a UTF-8 file with a few bad bytes stays
UTF-8 (its names keep their accents) and the lines holding them are named; a file none or little of whose
non-ASCII text is UTF-8 is read as Windows-1252 (or Latin-1, for the bytes Windows-1252 leaves undefined).
"""

import codecs
import re
from dataclasses import dataclass, field
from typing import BinaryIO

CHUNK_BYTES = 1 << 20
SHOWN_BAD_LINES = 1000
FALLBACKS = {"cp1252": "Windows-1252 (cp1252)", "latin-1": "Latin-1 (ISO-8859-1)"}
# surrogateescape turns each byte that is not UTF-8 into one of these, and nothing else into them
_BAD_BYTE = re.compile("[\udc80-\udcff]")
_NOT_IN_CP1252 = re.compile("[\udc81\udc8d\udc8f\udc90\udc9d]")


@dataclass
class Evidence:
    """What a pass over the file found: characters beyond ASCII that are UTF-8, and bytes that are not."""

    utf8_chars: int = 0
    bad_bytes: int = 0
    bad_lines: list[int] = field(default_factory=list)  # the first SHOWN_BAD_LINES of them
    bad_line_count: int = 0
    cp1252_undefined: bool = False
    last_bad_line: int = 0

    def encoding(self) -> str:
        if not self.bad_bytes or self.utf8_chars >= self.bad_bytes:
            return "utf-8"
        return "latin-1" if self.cp1252_undefined else "cp1252"

    def add(self, text: str, first_line: int) -> None:
        """Count one decoded chunk whose first line is ``first_line``."""
        if text.isascii():
            return
        non_ascii = len(text) - len(text.encode("ascii", "ignore"))
        bad = _BAD_BYTE.findall(text)
        self.utf8_chars += non_ascii - len(bad)
        if not bad:
            return
        self.bad_bytes += len(bad)
        self.cp1252_undefined = self.cp1252_undefined or _NOT_IN_CP1252.search(text) is not None
        position, line = 0, first_line
        for match in _BAD_BYTE.finditer(text):
            line += text.count("\n", position, match.start())
            position = match.start()
            if line != self.last_bad_line:
                self.bad_line_count += 1
                if len(self.bad_lines) < SHOWN_BAD_LINES:
                    self.bad_lines.append(line)
                self.last_bad_line = line


def file_evidence(raw: BinaryIO, start: int) -> Evidence:
    """Read the file from ``start`` to its end once and weigh what its bytes say about their encoding."""
    evidence = Evidence()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    raw.seek(start)
    line = 1
    while True:
        chunk = raw.read(CHUNK_BYTES)
        text = decoder.decode(chunk, final=not chunk)
        evidence.add(text, line)
        line += text.count("\n")
        if not chunk:
            return evidence
