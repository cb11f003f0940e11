import json
import pickle
import time
from pathlib import Path

import pytest

from aicmo.cam.leads.readers import REFUSED, LeadFile, RawRow, open_lead_file
from aicmo.errors import ImportFileError


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


def read_all(path: Path) -> tuple[LeadFile, list[RawRow]]:
    with open_lead_file(path) as lead_file:
        return lead_file, list(lead_file.rows())


def open_error(path: Path | str) -> str:
    with pytest.raises(ImportFileError) as info, open_lead_file(path) as lead_file:
        list(lead_file.rows())
    message = str(info.value)
    assert "\n" not in message
    return message


# --- encodings -------------------------------------------------------------------------------------------

def test_reads_utf8_with_bom_without_bom_in_first_header(tmp_path: Path) -> None:
    path = write(tmp_path, "apollo.csv", "\ufeffEmail,First Name\nanna@example.com,Anna\n")
    lead_file, rows = read_all(path)
    assert lead_file.encoding == "utf-8-sig"
    assert lead_file.headers == ["Email", "First Name"]
    assert rows == [RawRow(2, {"Email": "anna@example.com", "First Name": "Anna"})]
    assert lead_file.warnings == []


def test_reads_plain_utf8_including_characters_only_utf8_can_hold(tmp_path: Path) -> None:
    path = write(tmp_path, "leads.csv", "Name,City\nAntonín Dvořák,Praha\nJosé Gómez,Málaga\n")
    lead_file, rows = read_all(path)
    assert lead_file.encoding == "utf-8"
    assert [row.values["Name"] for row in rows] == ["Antonín Dvořák", "José Gómez"]


def test_falls_back_to_cp1252_with_a_warning_when_the_file_is_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "excel.csv", "Name;Company\nMüller;Gómez “Quoted” GmbH\n", encoding="cp1252")
    lead_file, rows = read_all(path)
    assert lead_file.encoding == "cp1252"
    assert lead_file.warnings == ["file is not valid UTF-8; read as Windows-1252 (cp1252)"]
    assert rows[0].values == {"Name": "Müller", "Company": "Gómez “Quoted” GmbH"}


def test_falls_back_to_latin1_when_even_cp1252_cannot_decode_the_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "odd.csv", b"Name,Note\nM\xfcller,x\x81y\n")
    lead_file, rows = read_all(path)
    assert lead_file.encoding == "latin-1"
    assert "not valid UTF-8" in lead_file.warnings[0]
    assert "latin-1" in lead_file.warnings[0].lower()
    assert rows[0].values == {"Name": "Müller", "Note": "x\x81y"}


def test_reads_excel_unicode_text_export_as_utf16_tab_separated(tmp_path: Path) -> None:
    text = "Name\tEmail\r\nAntonín Dvořák\tad@example.cz\r\n"
    path = write(tmp_path, "export.txt", text, encoding="utf-16")
    lead_file, rows = read_all(path)
    assert (lead_file.encoding, lead_file.delimiter, lead_file.format) == ("utf-16", "\t", "csv")
    assert lead_file.headers == ["Name", "Email"]
    assert rows == [RawRow(2, {"Name": "Antonín Dvořák", "Email": "ad@example.cz"})]


def test_a_late_byte_that_is_not_utf8_in_an_ascii_file_reads_the_whole_file_as_cp1252(tmp_path: Path) -> None:
    lines = ["Name,Email", *(f"Person {i},p{i}@example.com" for i in range(60_000))]
    body = "\n".join(lines).encode() + b"\nM\xfcller,m@example.com\n"
    assert len(body) > 1 << 20
    lead_file, rows = read_all(write(tmp_path, "late.csv", body))
    assert lead_file.encoding == "cp1252"
    assert lead_file.warnings == ["file is not valid UTF-8; read as Windows-1252 (cp1252)"]
    assert rows[-1] == RawRow(60_002, {"Name": "Müller", "Email": "m@example.com"})


def test_a_utf8_file_with_one_bad_byte_near_the_end_stays_utf8_and_names_the_line(tmp_path: Path) -> None:
    lines = ["Name,Email", *(f"Jérôme {i},j{i}@example.com" for i in range(20_000))]
    body = "\n".join(lines).encode() + b"\nBad\xff Byte,b@example.com\nZo\xc3\xab,z@example.com\n"
    lead_file, rows = read_all(write(tmp_path, "mostly.csv", body))
    assert (lead_file.encoding, lead_file.warnings, lead_file.bad_lines) == ("utf-8", [], [20_002])
    assert rows[0].values["Name"] == "Jérôme 0"
    assert [row.values["Name"] for row in rows[-2:]] == ["Bad\ufffd Byte", "Zoë"]


def test_bad_bytes_are_named_by_their_line_even_across_chunks_and_quoted_newlines(tmp_path: Path) -> None:
    body = "Name,Note\nZoë Jérôme,\"a\nb\"\n".encode() + b"X\xff,y\n" + b"Y,\xfe\xfd\n" + "Å,ok\n".encode()
    lead_file, rows = read_all(write(tmp_path, "few.csv", body))
    assert (lead_file.encoding, lead_file.bad_lines) == ("utf-8", [4, 5])
    assert [row.line for row in rows] == [2, 4, 5, 6]


# --- caps on columns -------------------------------------------------------------------------------------

def test_a_header_with_more_columns_than_the_cap_is_refused_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "wide.csv", ",".join(f"c{i}" for i in range(100_000)) + "\n" + "x," * 99_999 + "x\n")
    with pytest.raises(ImportFileError) as info, open_lead_file(path, max_columns=2000):
        pass
    assert str(info.value) == "wide.csv has 100000 columns, more than the 2000 allowed (AICMO_IMPORT_MAX_COLUMNS)"


def test_duplicate_header_names_are_found_in_linear_time(tmp_path: Path) -> None:
    path = write(tmp_path, "dup.csv", ",".join(f"c{i}" for i in range(100_000)) + ",c7\nx\n")
    started = time.perf_counter()
    assert open_error(path) == "dup.csv has duplicate column names: c7"
    assert time.perf_counter() - started < 5


def test_a_row_with_more_cells_than_the_cap_is_refused_by_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "row.csv", "Name,Email\nJane,j@a.io\nJohn,j@b.io," + ",".join(["y"] * 100_000) + "\n")
    started = time.perf_counter()
    with open_lead_file(path, max_columns=50) as lead_file:
        rows = list(lead_file.rows())
    assert time.perf_counter() - started < 2
    assert REFUSED not in rows[0].values
    assert rows[1].values == {"Name": "John", "Email": "j@b.io",
                              REFUSED: "100002 columns, more than the 50 allowed (AICMO_IMPORT_MAX_COLUMNS)"}


def test_a_json_record_with_more_fields_than_the_cap_is_refused_by_its_number(tmp_path: Path) -> None:
    wide = {f"k{i}": "v" for i in range(60)}
    path = write(tmp_path, "wide.jsonl", json.dumps({"email": "a@b.io"}) + "\n" + json.dumps(wide) + "\n")
    with open_lead_file(path, max_columns=50) as lead_file:
        rows = list(lead_file.rows())
    assert rows[1].values[REFUSED].startswith("60 columns")
    first_too_wide = write(tmp_path, "first.jsonl", json.dumps(wide) + "\n")
    with pytest.raises(ImportFileError, match="first.jsonl record 1 has 60 columns"), \
            open_lead_file(first_too_wide, max_columns=50):
        pass


def test_the_column_cap_and_the_nesting_limit_apply_together(tmp_path: Path) -> None:
    wide = json.dumps({f"k{i}": {"v": "w"} for i in range(60)})
    path = write(tmp_path, "wide.json", f'[{{"email": "a@b.io"}},\n{wide}]')
    with open_lead_file(path, max_depth=4, max_columns=50) as lead_file:
        rows = list(lead_file.rows())
    assert rows[0].values == {"email": "a@b.io"}
    assert rows[1].values[REFUSED].startswith("60 columns")
    deep = write(tmp_path, "deep.json", '[{"email": "a@b.io"},\n{"email": "c@d.io", "x": [[["deep"]]]}]')
    with pytest.raises(ImportFileError) as info, open_lead_file(deep, max_depth=4, max_columns=50):
        pass
    assert str(info.value) == "deep.json line 2, column 28: JSON nested more than 4 levels deep"


# --- CSV shape -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("delimiter", "name"),
                         [(";", "semicolon"), ("\t", "tab"), ("|", "pipe"), (",", "comma")])
def test_detects_the_delimiter_from_the_header_line(tmp_path: Path, delimiter: str, name: str) -> None:
    text = delimiter.join(["Email", "Company", "Revenue"]) + "\n"
    text += delimiter.join(["a@example.com", "Acme", "1,5" if delimiter != "," else '"1,5"']) + "\n"
    lead_file, rows = read_all(write(tmp_path, f"{name}.csv", text))
    assert lead_file.delimiter == delimiter
    assert rows[0].values == {"Email": "a@example.com", "Company": "Acme", "Revenue": "1,5"}


def test_ignores_delimiters_inside_quoted_header_names(tmp_path: Path) -> None:
    path = write(tmp_path, "quoted.csv", '"Name, full";Email;Company\n"Doe, Jane";j@example.com;Acme\n')
    lead_file, rows = read_all(path)
    assert lead_file.delimiter == ";"
    assert rows[0].values["Name, full"] == "Doe, Jane"


def test_quoted_newlines_keep_the_start_line_of_every_following_record(tmp_path: Path) -> None:
    text = (
        'Name,Notes,Email\n'
        'Ann,"first line\nsecond line\nthird ""quoted"" line",ann@example.com\n'
        'Bob,plain,bob@example.com\n'
        'Cy,"two\r\nlines",cy@example.com\n'
        'Di,x,di@example.com\n'
    )
    _, rows = read_all(write(tmp_path, "notes.csv", text))
    assert [row.line for row in rows] == [2, 5, 6, 8]
    assert rows[0].values["Notes"] == 'first line\nsecond line\nthird "quoted" line'
    assert rows[2].values["Notes"] == "two\r\nlines"


def test_skips_blank_lines_and_rows_of_empty_cells_but_counts_their_lines(tmp_path: Path) -> None:
    text = "Name,Email\n\nAnn,ann@example.com\n,\n   \n\nBob,bob@example.com\n\n"
    _, rows = read_all(write(tmp_path, "gaps.csv", text))
    assert [(row.line, row.values["Name"]) for row in rows] == [(3, "Ann"), (5, "   "), (7, "Bob")]


def test_pads_short_rows_and_keeps_extra_cells_of_long_rows(tmp_path: Path) -> None:
    text = "Name,Email,Phone\nAnn\nBob,bob@example.com,1,extra one,extra two\nCy,cy@example.com,2,,\n"
    _, rows = read_all(write(tmp_path, "ragged.csv", text))
    assert rows[0].values == {"Name": "Ann", "Email": "", "Phone": ""}
    assert rows[1].values == {"Name": "Bob", "Email": "bob@example.com", "Phone": "1",
                              "_extra": "extra one; extra two"}
    assert rows[2].values == {"Name": "Cy", "Email": "cy@example.com", "Phone": "2"}


def test_strips_header_names_names_empty_headers_and_keeps_values_unstripped(tmp_path: Path) -> None:
    _, rows = read_all(write(tmp_path, "spaces.csv", " Name , ,Email\n Ann ,,ann@example.com\n"))
    assert rows[0].values == {"Name": " Ann ", "column_2": "", "Email": "ann@example.com"}


def test_reads_an_enormous_field_of_five_megabytes(tmp_path: Path) -> None:
    huge = "x" * (5 * 1024 * 1024)
    text = f'Name,Notes\nAnn,"{huge}"\nBob,{huge}\nCy,short\n'
    _, rows = read_all(write(tmp_path, "huge.csv", text))
    assert [len(row.values["Notes"]) for row in rows] == [len(huge), len(huge), 5]
    assert [row.line for row in rows] == [2, 3, 4]


def test_reports_progress_in_bytes_up_to_the_file_size(tmp_path: Path) -> None:
    text = "Name,Email\n" + "".join(f"Person {i},p{i}@example.com\n" for i in range(50_000))
    path = write(tmp_path, "progress.csv", text)
    with open_lead_file(path) as lead_file:
        assert lead_file.total_bytes == path.stat().st_size
        positions = [lead_file.bytes_read() for i, _ in enumerate(lead_file.rows()) if i % 10_000 == 0]
        assert positions == sorted(positions)
        assert positions[-1] < lead_file.total_bytes
        assert lead_file.bytes_read() == lead_file.total_bytes
    assert lead_file.bytes_read() == lead_file.total_bytes


def test_rows_can_be_streamed_only_once(tmp_path: Path) -> None:
    with open_lead_file(write(tmp_path, "once.csv", "Name\nAnn\n")) as lead_file:
        assert len(list(lead_file.rows())) == 1
        with pytest.raises(RuntimeError):
            lead_file.rows()


# --- whole-file errors ------------------------------------------------------------------------------------

def test_missing_file_is_reported_by_path(tmp_path: Path) -> None:
    message = open_error(tmp_path / "nope.csv")
    assert "nope.csv" in message and "not found" in message


def test_directory_is_not_a_lead_file(tmp_path: Path) -> None:
    (tmp_path / "folder.csv").mkdir()
    assert "folder.csv is a directory" in open_error(tmp_path / "folder.csv")


@pytest.mark.parametrize("content", [b"", b"  \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n\n"])
def test_empty_whitespace_only_or_bom_only_file_is_empty(tmp_path: Path, content: bytes) -> None:
    assert open_error(write(tmp_path, "blank.csv", content)) == "blank.csv is empty"


def test_header_only_csv_is_rejected_when_opened(tmp_path: Path) -> None:
    path = write(tmp_path, "header.csv", "Name,Email\n\n,\n")
    with pytest.raises(ImportFileError) as info:
        open_lead_file(path)
    assert str(info.value) == "header.csv has a header row but no data rows"


def test_file_with_nul_bytes_is_binary(tmp_path: Path) -> None:
    message = open_error(write(tmp_path, "data.csv", b"Name,Email\nAnn\x00\x00\x01,ann@example.com\n"))
    assert message == "data.csv looks like a binary file (it contains NUL bytes), not CSV; save it as CSV"


@pytest.mark.parametrize(("magic", "what"), [(b"PK\x03\x04\x14\x00\x06\x00", "an Excel/ZIP file"),
                                             (b"%PDF-1.7\n", "a PDF file"),
                                             (b"\x1f\x8b\x08\x00", "a gzip-compressed file")])
def test_known_binary_formats_are_named(tmp_path: Path, magic: bytes, what: str) -> None:
    message = open_error(write(tmp_path, "leads.csv", magic + b"rest of file"))
    assert message == f"leads.csv looks like {what}, not CSV; save it as CSV"


def test_xlsx_saved_with_a_json_name_is_named_too(tmp_path: Path) -> None:
    message = open_error(write(tmp_path, "leads.json", b"PK\x03\x04" + b"\x00" * 40))
    assert message == "leads.json looks like an Excel/ZIP file, not JSON; save it as CSV"


def test_duplicate_header_names_are_listed(tmp_path: Path) -> None:
    message = open_error(write(tmp_path, "dupes.csv", "Email,Name,Email,Phone,Name \nx,y,z,1,2\n"))
    assert message == "dupes.csv has duplicate column names: Email, Name"


# --- JSON and JSON Lines ----------------------------------------------------------------------------------

def test_streams_a_json_array_flattening_values_to_strings(tmp_path: Path) -> None:
    records = [
        {"email": "ann@example.com", "employees": 250, "revenue": 1.5, "score": 2.0, "tiny": 0.0000001,
         "active": True, "phone": None, "tags": ["saas", "b2b", None],
         "organization": {"name": "Acme", "address": {"city": "Berlin"}}, "extra": {}},
        {"email": "bob@example.com", "linkedin": "https://linkedin.com/in/bob"},
    ]
    path = write(tmp_path, "hubspot.json", json.dumps(records, indent=2))
    lead_file, rows = read_all(path)
    assert lead_file.format == "json" and lead_file.delimiter is None
    assert lead_file.headers == ["email", "employees", "revenue", "score", "tiny", "active", "phone", "tags",
                                 "organization.name", "organization.address.city", "extra"]
    assert rows[0] == RawRow(1, {
        "email": "ann@example.com", "employees": "250", "revenue": "1.5", "score": "2", "tiny": "0.0000001",
        "active": "true", "phone": "", "tags": "saas; b2b", "organization.name": "Acme",
        "organization.address.city": "Berlin", "extra": ""})
    assert rows[1].line == 2
    assert rows[1].values["linkedin"] == "https://linkedin.com/in/bob"
    assert rows[1].values["organization.name"] == ""


def test_json_with_bom_and_cp1252_text_is_read(tmp_path: Path) -> None:
    _, rows = read_all(write(tmp_path, "bom.json", '\ufeff[{"name": "Dvořák"}]'))
    assert rows[0].values == {"name": "Dvořák"}
    lead_file, rows = read_all(write(tmp_path, "cp.json", '[{"name": "Müller"}]', encoding="cp1252"))
    assert lead_file.encoding == "cp1252" and rows[0].values == {"name": "Müller"}


def test_json_object_instead_of_array_is_rejected(tmp_path: Path) -> None:
    message = open_error(write(tmp_path, "object.json", '{"leads": [{"email": "a@example.com"}]}'))
    assert message == "object.json contains a single JSON object, not an array of records"


def test_json_array_of_non_objects_names_the_record(tmp_path: Path) -> None:
    message = open_error(write(tmp_path, "mixed.json", '[{"email": "a@example.com"}, ["b@example.com"]]'))
    assert message == "mixed.json record 2 is not a JSON object"


def test_malformed_json_names_the_record_line_and_column_where_it_broke(tmp_path: Path) -> None:
    message = open_error(write(tmp_path, "broken.json", '[{"email": "a@example.com"},\n {"email" "b"}]'))
    assert message.startswith("broken.json is not valid JSON at record 2, line 2, column 11: ")
    assert "colon" in message


def test_empty_json_array_has_no_records(tmp_path: Path) -> None:
    assert open_error(write(tmp_path, "none.json", " [ ] ")) == "none.json contains no records"


def test_reads_json_lines_skipping_blank_lines(tmp_path: Path) -> None:
    text = '{"email": "a@example.com", "n": 1}\n\n{"email": "b@example.com", "n": 1.25}\n'
    lead_file, rows = read_all(write(tmp_path, "leads.ndjson", text))
    assert lead_file.format == "jsonl" and lead_file.headers == ["email", "n"]
    assert rows == [RawRow(1, {"email": "a@example.com", "n": "1"}), RawRow(3, {"email": "b@example.com",
                                                                                 "n": "1.25"})]


def test_json_lines_with_a_bad_line_names_the_line(tmp_path: Path) -> None:
    text = '{"email": "a@example.com"}\n\n{"email": "b@example.com",}\n'
    message = open_error(write(tmp_path, "bad.jsonl", text))
    assert message == "bad.jsonl line 3, column 27 is not valid JSON: Expecting property name enclosed in double quotes"


def test_json_lines_with_a_non_object_line_names_the_line(tmp_path: Path) -> None:
    message = open_error(write(tmp_path, "list.jsonl", '{"email": "a@example.com"}\n["b@example.com"]\n'))
    assert message == "list.jsonl line 2 is not a JSON object"


@pytest.mark.parametrize(("content", "expected"), [('  [{"a": 1}]', "json"), ('{"a": 1}\n', "jsonl"),
                                                   ("a,b\n1,2\n", "csv")])
def test_unknown_extension_is_sniffed_from_the_first_character(tmp_path: Path, content: str,
                                                               expected: str) -> None:
    lead_file, rows = read_all(write(tmp_path, "export.dat", content))
    assert lead_file.format == expected
    assert len(rows) == 1


def test_a_row_pickles_to_an_equal_row() -> None:
    row = RawRow(7, {"Email": "a@example.com", "First Name": "Ann"})
    assert pickle.loads(pickle.dumps(row)) == row
