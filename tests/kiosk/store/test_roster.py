"""The class list (名单): reading CSV (UTF-8, UTF-8 with BOM, GBK, UTF-16) and .xlsx files, the number column, bad
rows by line, replacing a list with a report of what changed, the one membership check, and the export's list of
students still missing, written beside the zip."""
from __future__ import annotations

import csv
import io
import sqlite3
import stat
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from kiosk.store.errors import ROSTER_CODES, STORE_CODES
from kiosk.store.export import export_batch
from kiosk.store.identity import IdentityRules
from kiosk.store.records import SqliteRecordStore, Status
from kiosk.store.roster import (RosterEntry, RosterError, class_counts, missing_students, read_roster,
                                roster_problem)
from kiosk.store.roster_file import LOST_DIGITS, number_cell, read_table
from kiosk.texts import LANGS, error_text, text
from tests.kiosk.store.test_records import GATES_OK, PROFILE, picture

ID_NUMBER = "11010519491231002X"
ROWS = [("学号", "姓名", "班级"), ("2023001", "张三", "高三1班"), ("2023002", "李四", "高三1班"),
        (ID_NUMBER, "王五", "高三2班")]


def _csv(path: Path, rows, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _col(i: int) -> str:
    return "ABCDEFGHIJ"[i]


TRANSITIONAL = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"  # "Strict Open XML" as Excel can save it


def write_xlsx(path: Path, rows, numbers: tuple[str, ...] = (), main_ns: str = TRANSITIONAL) -> Path:
    """Write a minimal workbook the way spreadsheet programs do: a zip of XML parts. Texts go to the shared strings
    (the header as rich text runs), the cells listed in `numbers` ("B3") are numeric, the last column of each row
    is an inline string, and rows say their own numbers (a blank row 2 is left out, as Excel does)."""
    ns = f'xmlns="{main_ns}"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    shared: list[str] = []
    sheet_rows = []
    for r, cells in enumerate(rows, start=1):
        r = r + 1 if r > 1 else r  # row 2 is blank
        xml_cells = []
        for c, value in enumerate(cells):
            ref = f"{_col(c)}{r}"
            if not value:
                continue
            if ref in numbers:
                xml_cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif c == len(cells) - 1:
                xml_cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
            else:
                shared.append(value)
                xml_cells.append(f'<c r="{ref}" t="s"><v>{len(shared) - 1}</v></c>')
        sheet_rows.append(f'<row r="{r}">{"".join(xml_cells)}</row>')
    items = [f"<si><r><t>{escape(s[:1])}</t></r><r><rPr/><t>{escape(s[1:])}</t></r></si>" if i == 0
             else f"<si><t>{escape(s)}</t></si>" for i, s in enumerate(shared)]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                           'package/2006/content-types"/>')
        zf.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets>'
                                       '<sheet name="名单" sheetId="1" r:id="rId7"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'relationships"><Relationship Id="rId7" Type="x" Target="worksheets/sheet3.xml"/>'
                    '</Relationships>')
        zf.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst {ns}>{"".join(items)}</sst>')
        zf.writestr("xl/worksheets/sheet3.xml",
                    f'<?xml version="1.0"?><worksheet {ns}><sheetData>{"".join(sheet_rows)}</sheetData></worksheet>')
    return path


def _numbers(parsed) -> list[tuple[str, str, str, int]]:
    return [(e.identity, e.name, e.group, e.line) for e in parsed.entries]


EXPECTED = [("2023001", "张三", "高三1班", 2), ("2023002", "李四", "高三1班", 3), (ID_NUMBER, "王五", "高三2班", 4)]


# ----- reading files --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding, name", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gbk"),
                                            ("utf-16", "utf-16")])
def test_csv_in_every_encoding_excel_writes(tmp_path, encoding, name):
    parsed = read_roster(_csv(tmp_path / "list.csv", ROWS, encoding, "\t" if encoding == "utf-16" else ","))
    assert _numbers(parsed) == EXPECTED and parsed.problems == [] and parsed.encoding == name
    assert (parsed.number_column, parsed.name_column, parsed.class_column) == (0, 1, 2)


def test_text_in_neither_utf8_nor_gbk_is_refused_with_its_sentence(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"number\n\x81\xff\n")
    with pytest.raises(RosterError) as caught:
        read_roster(path)
    assert caught.value.code == "roster_encoding"
    assert error_text(caught.value, "en") == f"{path}: " + text("store.roster_encoding", "en")


def test_xlsx_with_shared_inline_and_numeric_cells(tmp_path):
    rows = [("班级", "学号", "姓名"), ("高三1班", "2023001", "张三"), ("高三1班", "2023002", "李四"),
            ("高三2班", "1.10105194912310E+17", "王五"), ("高三2班", "2.023004E6", "赵六")]
    path = write_xlsx(tmp_path / "list.xlsx", rows, numbers=("B3", "B5", "B6"))
    table = read_table(path)
    assert table.encoding == "xlsx" and [line for line, _ in table.rows] == [1, 3, 4, 5, 6]  # row 2 is blank
    assert table.rows[0][1] == ("班级", "学号", "姓名")  # a rich-text header cell reads as its runs joined
    parsed = read_roster(path)
    assert (parsed.number_column, parsed.name_column, parsed.class_column) == (1, 2, 0)
    assert _numbers(parsed) == [("2023001", "张三", "高三1班", 3), ("2023002", "李四", "高三1班", 4),
                                ("2023004", "赵六", "高三2班", 6)]
    [problem] = parsed.problems  # an 18-digit ID number Excel kept as a number lost its last digits
    assert (problem.line, problem.code) == (5, "roster_row_lost_digits")


def test_a_strict_open_xml_workbook_reads_the_same(tmp_path):
    parsed = read_roster(write_xlsx(tmp_path / "strict.xlsx", ROWS, main_ns=STRICT))
    assert [(i, n, c) for i, n, c, _ in _numbers(parsed)] == [(i, n, c) for i, n, c, _ in EXPECTED]


def test_number_cells_read_as_typed():
    assert number_cell("2023001") == "2023001" and number_cell("2023001.0") == "2023001"
    assert number_cell("2.023001E6") == "2023001" and number_cell("1.10105194912310E+17") == LOST_DIGITS


def test_a_damaged_xlsx_and_a_wrong_kind_of_file_are_refused(tmp_path):
    bad = tmp_path / "list.xlsx"
    bad.write_bytes(b"PK not really a zip")
    with pytest.raises(RosterError) as caught:
        read_roster(bad)
    assert caught.value.code == "roster_xlsx" and caught.value.fields == {"detail": "BadZipFile"}
    other = tmp_path / "list.xls"
    other.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(RosterError) as caught:
        read_roster(other)
    assert caught.value.code == "roster_kind"
    only_header = _csv(tmp_path / "empty.csv", [("学号", "姓名")])
    with pytest.raises(RosterError) as caught:
        read_roster(only_header)
    assert caught.value.code == "roster_no_rows"


@pytest.mark.parametrize("header, column", [(("number", "name"), 0), (("Name", "Number"), 1), (("姓名", "考生号"), 1),
                                            (("姓名", "身份证号"), 1), (("采集码", "班级"), 0),
                                            (("序号", "姓名"), 0), (("姓名", "编号", "班级"), 1)])
def test_the_number_column_by_header_else_the_first_other_column(tmp_path, header, column):
    row = ["x"] * len(header)
    row[column] = "2023001"
    parsed = read_roster(_csv(tmp_path / "list.csv", [header, row]))
    assert parsed.number_column == column and [e.identity for e in parsed.entries] == ["2023001"]


def test_a_file_without_header_keeps_its_first_number(tmp_path):
    parsed = read_roster(_csv(tmp_path / "list.csv", [("2023001",), ("2023002",)]))
    assert not parsed.header and [e.identity for e in parsed.entries] == ["2023001", "2023002"]


def test_bad_rows_are_reported_by_line(tmp_path):
    rows = [("学号", "姓名"), ("2023001", "张三"), ("2023001", "张三"), ("20 23", "坏"), ("", "空"),
            ("CON", "x"), ("110105194912310021", "y"), ("", ""), ("2023002", "李四")]
    parsed = read_roster(_csv(tmp_path / "list.csv", rows))
    assert [(p.line, p.code) for p in parsed.problems] == [
        (3, "roster_row_duplicate"), (4, "bad_characters"), (5, "roster_row_empty"), (6, "reserved_name"),
        (7, "id_check_digit")]  # line 8 is blank: skipped, not a problem
    assert parsed.problems[0].error.fields == {"count": 2}
    assert [e.identity for e in parsed.entries] == ["2023001", "2023002"]
    assert error_text(parsed.problems[0].error, "en") == "This number is already on line 2."


def test_the_stations_number_rules_apply(tmp_path):
    rules = IdentityRules(student=(r"20[0-9]{5}",), kinds=("student",))
    parsed = read_roster(_csv(tmp_path / "list.csv", [("学号",), ("2023001",), ("S2023001",)]), rules)
    assert [e.identity for e in parsed.entries] == ["2023001"] and parsed.problems[0].code == "not_accepted"


def test_every_roster_code_has_both_sentences():
    assert set(ROSTER_CODES) <= set(STORE_CODES)
    for code in ROSTER_CODES:
        assert all(text(f"store.{code}", lang, count=2, error="EACCES", detail="x") != f"store.{code}"
                   for lang in LANGS)
    assert text("identity.not_on_list", "zh") == "这个号码不在名单上，请核对后重新输入，或联系工作人员。"
    assert text("identity.not_on_list", "en") == "This number is not on the class list; check it or ask staff."


# ----- the store's list -----------------------------------------------------------------------------------------------
@pytest.fixture
def store(tmp_path):
    s = SqliteRecordStore(tmp_path / "store", station="office")
    yield s
    s.close()


def test_without_a_list_every_number_goes(store):
    assert store.on_list("2023001") is None and roster_problem(store, "2023001") is None
    assert store.roster() == [] and class_counts(store) == [] and missing_students(store) == []


def test_a_new_list_replaces_the_old_and_says_what_changed(store):
    first = [RosterEntry("2023001", "张三", "1班", 2), RosterEntry("2023002", "李四", "1班", 3),
             RosterEntry("2023003", "王五", "2班", 4)]
    assert store.replace_roster(first).to_dict() == {"added": 3, "removed": 0, "unchanged": 0, "updated": 0,
                                                     "total": 3}
    second = [RosterEntry("2023001", "张三", "1班", 2), RosterEntry("2023003", "王五", "3班", 3),
              RosterEntry("2023004", "赵六", "3班", 4)]
    assert store.replace_roster(second).to_dict() == {"added": 1, "removed": 1, "unchanged": 2, "updated": 1,
                                                      "total": 3}
    assert [e.identity for e in store.roster()] == ["2023001", "2023003", "2023004"]
    assert store.on_list("2023004") is True and store.on_list("2023002") is False and store.on_list("con") is False
    assert roster_problem(store, "2023002").code == "not_on_list"
    [*_, audit] = store.audit()
    assert audit.action == "roster_import" and audit.identity is None and audit.station == "office"
    assert audit.detail == {"added": 1, "removed": 1, "unchanged": 2, "updated": 1, "total": 3}  # counts only
    assert store.clear_roster() == 3 and store.on_list("2023002") is None


def test_a_failed_replace_keeps_the_old_list(store):
    store.replace_roster([RosterEntry("2023001", "张三", "1班", 2)])
    with pytest.raises(sqlite3.IntegrityError):
        store.replace_roster([RosterEntry("2023005", "", "", 2), RosterEntry("2023005", "", "", 3)])  # a clash
    assert [e.identity for e in store.roster()] == ["2023001"]


def test_names_never_reach_the_audit(store):
    store.replace_roster([RosterEntry("2023001", "张三", "1班", 2)])
    store.clear_roster()
    assert "张三" not in repr(store.audit())


def test_who_is_missing_by_class(store):
    store.replace_roster([RosterEntry("2023001", "张三", "1班", 2), RosterEntry("2023002", "李四", "1班", 3),
                          RosterEntry("2023003", "王五", "2班", 4), RosterEntry("2023004", "赵六", "2班", 5)])
    store.file_picture("2023001", PROFILE, picture(0), GATES_OK)
    store.file_picture("2023003", PROFILE, picture(1), GATES_OK)
    store.mark_recapture("2023003", "blurred")  # waiting for a new picture: missing again
    store.record_attempt("2023004", PROFILE.id, GATES_OK)  # tried, nothing filed
    assert [c.to_dict() for c in class_counts(store)] == [
        {"class": "1班", "expected": 2, "done": 1, "missing": 1},
        {"class": "2班", "expected": 2, "done": 0, "missing": 2}]
    assert [m.row() for m in missing_students(store)] == [
        {"number": "2023002", "name": "李四", "class": "1班", "status": Status.NOT_UPLOADED.value},
        {"number": "2023003", "name": "王五", "class": "2班", "status": Status.NEEDS_RECAPTURE.value},
        {"number": "2023004", "name": "赵六", "class": "2班", "status": Status.NOT_UPLOADED.value}]


# ----- export ---------------------------------------------------------------------------------------------------------
def test_export_writes_the_missing_students_beside_the_zip_never_inside(store, tmp_path):
    store.replace_roster([RosterEntry("2023001", "张三", "1班", 2), RosterEntry("2023002", "李四", "1班", 3)])
    store.file_picture("2023001", PROFILE, picture(0), GATES_OK)
    out = tmp_path / "out" / "batch-20261129.zip"
    report = export_batch(store, out)
    assert report.exported == ["2023001"] and report.missing == 1
    assert report.missing_path == tmp_path / "out" / "batch-20261129-missing.csv"
    assert stat.S_IMODE(report.missing_path.stat().st_mode) == 0o600
    raw = report.missing_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel shows the names
    assert raw.decode("utf-8-sig") == f"number,name,class,status\r\n2023002,李四,1班,{Status.NOT_UPLOADED.value}\r\n"
    with zipfile.ZipFile(out) as zf:
        assert not [n for n in zf.namelist() if "missing" in n] and "李四".encode() not in b"".join(
            zf.read(n) for n in zf.namelist())
    assert report.to_dict()["missing"] == 1 and report.to_dict()["missing_csv"] == str(report.missing_path)
    assert [e.identity for e in read_roster(report.missing_path).entries] == ["2023002"]  # it reads as a list


def test_export_without_a_list_writes_no_missing_file(store, tmp_path):
    store.file_picture("2023001", PROFILE, picture(0), GATES_OK)
    report = export_batch(store, tmp_path / "batch.zip")
    assert report.missing is None and report.missing_path is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch.zip", "store"]


def test_an_older_store_read_without_changing_it_has_no_list(tmp_path):
    from kiosk.store import migrations
    from kiosk.store.roster import roster_problem_at

    folder = tmp_path / "old"
    folder.mkdir()
    db = sqlite3.connect(folder / "records.sqlite3", isolation_level=None)
    for version, sql in migrations.STEPS[:2]:  # a store made before the class list
        for statement in filter(str.strip, sql.split(";")):
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
    db.close()
    assert roster_problem_at(folder, "2023009") is None and roster_problem_at(tmp_path / "none", "2023009") is None
    with SqliteRecordStore(folder, readonly=True) as s:
        assert s.roster() == [] and s.on_list("2023009") is None and s.schema_version() == 2
    with SqliteRecordStore(folder) as s:  # opened for writing: migrated, then a list works
        s.replace_roster([RosterEntry("2023001")])
    assert roster_problem_at(folder, "2023009").code == "not_on_list" and roster_problem_at(folder, "2023001") is None
