"""Stream a lead list file (CSV, JSON array or JSON Lines) row by row with memory that does not grow with the
file, and turn every whole-file problem into one ImportFileError line."""

import codecs
import csv
import io
import itertools
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aicmo.cam.leads.encoding import FALLBACKS, file_evidence
from aicmo.cam.leads.json_records import flatten, json_array_records, json_lines_records
from aicmo.cam.leads.nesting import MAX_DEPTH
from aicmo.errors import ImportFileError

SAMPLE_BYTES = 1 << 20  # the format and delimiter are decided on this much
BINARY_PROBE = 64 * 1024
SNIFF_CHARS = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".json": "json", ".jsonl": "jsonl",
              ".ndjson": "jsonl"}
FORMAT_NAMES = {"csv": "CSV", "json": "JSON", "jsonl": "JSON Lines"}
MAGIC = ((b"PK\x03\x04", "an Excel/ZIP file"), (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) file"),
         (b"%PDF", "a PDF file"), (b"\x1f\x8b", "a gzip-compressed file"), (b"\x89PNG", "a PNG image"))
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
EXTRA = "_extra"
# The key of a row refused by the reader, with the reason; it cannot be a column name (those hold no NUL).
REFUSED = "\x00refused"


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int
    values: dict[str, str]

    def __reduce__(self) -> tuple[type["RawRow"], tuple[int, dict[str, str]]]:
        # Rows cross to worker processes by the thousand: the generated state methods of a slotted
        # dataclass cost as much again as pickling the values.
        return RawRow, (self.line, self.values)


class LeadFile:
    """An open lead file whose header (and first record) has been read; use open_lead_file to get one."""

    def __init__(self, path: Path, raw: io.BufferedReader, max_depth: int = MAX_DEPTH,
                 max_columns: int | None = None) -> None:
        self.path = path
        self.max_depth = max_depth
        self._raw = raw
        self.max_columns = max_columns
        self.total_bytes = os.fstat(raw.fileno()).st_size
        sample = raw.read(SAMPLE_BYTES)
        whole = len(sample) >= self.total_bytes
        expected = EXTENSIONS.get(path.suffix.lower())
        _reject_binary(path, sample, FORMAT_NAMES[expected or "csv"])
        skip = len(codecs.BOM_UTF8) if sample.startswith(codecs.BOM_UTF8) else 0
        self.encoding, head, self.bad_lines = _choose_encoding(path, raw, skip, sample[skip:], whole)
        self.warnings: list[str] = []
        if self.encoding in FALLBACKS:
            self.warnings.append(f"file is not valid UTF-8; read as {FALLBACKS[self.encoding]}")
        elif skip:
            self.encoding = "utf-8-sig"
        if not head.strip().strip("\ufeff"):
            raise ImportFileError(f"{path.name} is empty")
        self.format = expected or _sniff_format(head)
        self.delimiter = _sniff_delimiter(head, whole) if self.format == "csv" else None
        if self.format == "json":
            _check_json_start(path, head)
        self.headers: list[str] = []
        self._header_keys: set[str] = set()
        raw.seek(skip)
        stream_encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        errors = "replace" if self.bad_lines else "strict"  # each bad line is named by bad_lines
        self._text = io.TextIOWrapper(raw, encoding=stream_encoding, errors=errors, newline="")
        producers: dict[str, Callable[[], Iterator[RawRow]]] = {
            "csv": self._csv_rows, "json": self._json_rows, "jsonl": self._jsonl_rows}
        self._rest = producers[self.format]()
        self._first = next(self._rest, None)
        if self._first is None:
            problem = "has a header row but no data rows" if self.format == "csv" else "contains no records"
            raise ImportFileError(f"{path.name} {problem}")

    def bytes_read(self) -> int:
        if self._raw.closed:
            return self.total_bytes
        return min(self._raw.tell(), self.total_bytes)

    def rows(self) -> Iterator[RawRow]:
        if self._first is None:
            raise RuntimeError("LeadFile.rows() may be called only once")
        first, self._first = self._first, None
        return itertools.chain((first,), self._rest)

    def close(self) -> None:
        self._text.close()
        self._raw.close()

    def __enter__(self) -> "LeadFile":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _csv_rows(self) -> Iterator[RawRow]:
        reader = csv.reader(self._text, delimiter=self.delimiter or ",")
        try:
            self.headers = headers = _csv_headers(self.path, reader, self.max_columns)
            width, most = len(headers), self.max_columns or sys.maxsize
            previous = reader.line_num
            for record in reader:
                # a record starts on the line after the previous one ended, even if it spans quoted newlines
                start, previous = previous + 1, reader.line_num
                if len(record) == width and any(record):
                    yield RawRow(start, dict(zip(headers, record)))  # noqa: B905 - strict= costs 30% here
                elif len(record) > most:
                    yield RawRow(start, _refused(headers, record, _too_wide(len(record), most)))
                elif (values := _fit(headers, record)) is not None:
                    yield RawRow(start, values)
        except UnicodeDecodeError as exc:
            raise self._decode_error(exc) from None
        except csv.Error as exc:
            raise ImportFileError(f"{self.path.name} line {reader.line_num} cannot be read: {exc}") from None

    def _json_rows(self) -> Iterator[RawRow]:
        try:
            for number, item in json_array_records(self._text, self.path.name, self.max_depth):
                yield RawRow(number, self._record(item))
        except UnicodeDecodeError as exc:
            raise self._decode_error(exc) from None

    def _jsonl_rows(self) -> Iterator[RawRow]:
        try:
            for number, item in json_lines_records(self._text, self.path.name, self.max_depth):
                yield RawRow(number, self._record(item))
        except UnicodeDecodeError as exc:
            raise self._decode_error(exc) from None

    def _record(self, item: dict[str, Any]) -> dict[str, str]:
        flat = flatten(item, {})
        if self.max_columns and len(flat) > self.max_columns:
            if not self.headers:
                raise ImportFileError(f"{self.path.name} record 1 has {_too_wide(len(flat), self.max_columns)}")
            return {**dict.fromkeys(self.headers, ""), REFUSED: _too_wide(len(flat), self.max_columns)}
        if not self.headers:
            self.headers = list(flat)
            self._header_keys = set(flat)
        if flat.keys() == self._header_keys:
            return flat
        values = dict.fromkeys(self.headers, "")
        values.update(flat)
        return values

    def _decode_error(self, exc: UnicodeDecodeError) -> ImportFileError:
        # the text layer decodes a whole chunk at once; the bad byte sits exc.start bytes into that chunk
        offset = max(0, self._raw.tell() - len(exc.object) + exc.start)
        return ImportFileError(f"{self.path.name} line {_line_at(self.path, offset)} is not valid "
                               f"{self.encoding}; re-save the file as UTF-8")


def open_lead_file(path: Path | str, *, max_depth: int = MAX_DEPTH, max_columns: int | None = None) -> LeadFile:
    """The file opened and its first record read; `max_depth` bounds how deep a JSON record may nest,
    `max_columns` how many columns a header or row may have (None: no cap)."""
    path = Path(path)
    csv.field_size_limit(2**31 - 1)  # exports put whole email threads or notes in one cell
    try:
        raw = open(path, "rb")  # noqa: SIM115 - LeadFile owns and closes it
    except FileNotFoundError:
        raise ImportFileError(f"{path} not found") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise ImportFileError(f"{path} cannot be read: {exc.strerror}") from None
    try:
        return LeadFile(path, raw, max_depth, max_columns)
    except BaseException:
        raw.close()
        raise


def _reject_binary(path: Path, sample: bytes, expected: str) -> None:
    what = next((name for magic, name in MAGIC if sample.startswith(magic)), None)
    if what is None and not sample.startswith(UTF16_BOMS) and b"\x00" in sample[:BINARY_PROBE]:
        what = "a binary file (it contains NUL bytes)"
    if what:
        raise ImportFileError(f"{path.name} looks like {what}, not {expected}; save it as CSV")


def _choose_encoding(path: Path, raw: io.BufferedReader, skip: int, sample: bytes,
                     whole: bool) -> tuple[str, str, list[int]]:
    """(encoding, the sample decoded, the lines of a UTF-8 file that are not UTF-8), from the whole file."""
    if sample.startswith(UTF16_BOMS):
        try:
            return "utf-16", codecs.getincrementaldecoder("utf-16")().decode(sample, final=whole), []
        except UnicodeDecodeError:
            raise ImportFileError(f"{path.name} is not valid UTF-16 text; re-save the file as UTF-8") from None
    evidence = file_evidence(raw, skip)
    encoding = evidence.encoding()
    head = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=whole)
    return encoding, head, evidence.bad_lines if encoding == "utf-8" else []


def _sniff_format(head: str) -> str:
    first = head.lstrip().lstrip("\ufeff")[:1]
    return {"[": "json", "{": "jsonl"}.get(first, "csv")


def _check_json_start(path: Path, head: str) -> None:
    first = head.lstrip()[:1]
    if first == "{":
        raise ImportFileError(f"{path.name} contains a single JSON object, not an array of records")
    if first != "[":
        raise ImportFileError(f"{path.name} is not a JSON array of records (it does not start with '[')")


def _sniff_delimiter(head: str, whole: bool) -> str:
    text = head[:SNIFF_CHARS]
    complete = whole and len(text) == len(head)
    if not complete and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: _count_outside_quotes(header, delimiter) for delimiter in DELIMITERS}
    candidates = sorted((d for d in DELIMITERS if counts[d]), key=lambda d: -counts[d])
    for delimiter in candidates:
        if _consistent(text, delimiter, counts[delimiter] + 1, complete):
            return delimiter
    return candidates[0] if candidates else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _consistent(text: str, delimiter: str, width: int, complete: bool) -> bool:
    try:
        records = [r for r in itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), 50) if r]
    except csv.Error:
        return False
    data = records[1:] if complete else records[1:-1]  # the last record of a cut sample may be partial
    return not data or sum(len(r) == width for r in data) >= 0.8 * len(data)


def _too_wide(columns: int, most: int) -> str:
    return f"{columns} columns, more than the {most} allowed (AICMO_IMPORT_MAX_COLUMNS)"


def _refused(headers: list[str], record: list[str], reason: str) -> dict[str, str]:
    return {**dict(zip(headers, record, strict=False)), REFUSED: reason}


def _csv_headers(path: Path, reader: Iterator[list[str]], most: int | None) -> list[str]:
    record = next((r for r in reader if any(cell.strip() for cell in r)), None)
    if record is None:
        raise ImportFileError(f"{path.name} is empty")
    if most and len(record) > most:
        raise ImportFileError(f"{path.name} has {_too_wide(len(record), most)}")
    names = [cell.strip().strip("\ufeff").strip() or f"column_{i}" for i, cell in enumerate(record, 1)]
    duplicates = sorted(name for name, count in Counter(names).items() if count > 1)
    if duplicates:
        raise ImportFileError(f"{path.name} has duplicate column names: {', '.join(duplicates)}")
    return names


def _fit(headers: list[str], record: list[str]) -> dict[str, str] | None:
    if not any(record):
        return None
    width = len(headers)
    if len(record) < width:
        return dict(zip(headers, record + [""] * (width - len(record)), strict=True))
    values = dict(zip(headers, record, strict=False))
    extra = record[width:]
    if any(extra):
        values[EXTRA] = "; ".join(extra)
    return values


def _line_at(path: Path, offset: int) -> int:
    newlines = 0
    with open(path, "rb") as raw:
        while offset > 0 and (chunk := raw.read(min(offset, 1 << 20))):
            newlines += chunk.count(b"\n")
            offset -= len(chunk)
    return newlines + 1
