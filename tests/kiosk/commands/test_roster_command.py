"""`idphoto roster` import / show / clear, and a loaded class list at work: the identify screen (through the
station's public methods), `idphoto kiosk --identity`, `idphoto import` and `idphoto export` refuse or report the
numbers that are not on it."""
from __future__ import annotations

import json
import stat

import pytest
from PIL import Image

from kiosk.commands.main import main
from kiosk.station.flow import State
from kiosk.station.loop import KioskApp
from kiosk.station.settings import KioskOptions
from kiosk.store.records import SqliteRecordStore
from kiosk.store.roster import RosterEntry
from kiosk.texts import error_text
from tests.kiosk.store.test_records import GATES_OK, PROFILE, picture
from tests.kiosk.store.test_roster import _csv, write_xlsx

LIST = [("学号", "姓名", "班级"), ("2023001", "张三", "高三1班"), ("2023002", "李四", "高三1班"),
        ("2023003", "王五", "高三2班")]


def _store(folder, entries=(("2023001", "张三", "1班"), ("2023002", "李四", "2班"))):
    with SqliteRecordStore(folder) as s:
        s.replace_roster([RosterEntry(i, n, c, line) for line, (i, n, c) in enumerate(entries, start=2)])
    return folder


# ----- roster import / show / clear -----------------------------------------------------------------------------------
def test_import_show_and_replace(tmp_path, capsys):
    store = tmp_path / "store"
    assert main(["roster", "import", str(_csv(tmp_path / "list.csv", LIST, "gbk")), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert out == ("class list loaded from list.csv: 3 numbers in 2 classes (number column 1, gbk); added 3, "
                   "removed 0, unchanged 0.\n")
    assert stat.S_IMODE((store / "records.sqlite3").stat().st_mode) == 0o600
    new = [LIST[0], LIST[1], ("2023003", "王五", "高三3班"), ("2023004", "赵六", "高三3班")]
    assert main(["roster", "import", str(write_xlsx(tmp_path / "new.xlsx", new)), "--store", str(store)]) == 0
    assert capsys.readouterr().out == (
        "class list loaded from new.xlsx: 3 numbers in 2 classes (number column 1, xlsx); added 1, removed 1, "
        "unchanged 2 (1 with a new name or class).\n")
    assert main(["roster", "show", "--store", str(store), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == {"loaded": True, "expected": 3, "missing": 3,
                   "classes": [{"class": "高三1班", "expected": 1, "done": 0, "missing": 1},
                               {"class": "高三3班", "expected": 2, "done": 0, "missing": 2}]}
    assert main(["roster", "show", "--store", str(store)]) == 0
    plain = capsys.readouterr().out
    assert "\n高三3班" + " " * 10 + "       2      0        2\n" in plain
    assert "赵六" not in plain  # names only with --missing
    assert main(["roster", "show", "--store", str(store), "--missing"]) == 0
    assert "missing 2023004  赵六  高三3班" in capsys.readouterr().out
    assert main(["roster", "clear", "--store", str(store)]) == 0
    assert capsys.readouterr().out == "class list cleared (3 numbers); every number is accepted again.\n"
    with SqliteRecordStore(store) as s:
        assert s.on_list("2023009") is None


def test_a_file_with_bad_rows_imports_nothing_and_names_each_line(tmp_path, capsys):
    store = _store(tmp_path / "store")
    rows = [("学号", "姓名"), ("2023001", "张三"), ("2023001", "张三"), ("", "空"), ("2023005", "钱七")]
    path = _csv(tmp_path / "bad.csv", rows)
    assert main(["roster", "import", str(path), "--store", str(store)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.splitlines() == [
        "bad.csv line 3 (2023001): This number is already on line 2.",
        "bad.csv line 4: This row has no number.",
        "nothing imported: 2 bad rows; the class list is unchanged. Fix the file and import it again, or add "
        "--skip-bad to load the 2 good rows."]
    with SqliteRecordStore(store) as s:
        assert [e.identity for e in s.roster()] == ["2023001", "2023002"]  # the old list, untouched
    assert main(["roster", "import", str(path), "--store", str(store), "--skip-bad"]) == 1
    assert capsys.readouterr().out.startswith("class list loaded from bad.csv: 2 numbers in 1 class")
    with SqliteRecordStore(store) as s:
        assert [e.identity for e in s.roster()] == ["2023001", "2023005"]


@pytest.mark.parametrize("name, status, words", [("missing.csv", 2, "There is no such class-list file"),
                                                  ("list.xls", 2, "must be a .csv or .xlsx file")])
def test_a_file_that_cannot_be_a_list_is_one_sentence(tmp_path, capsys, name, status, words):
    if name.endswith(".xls"):
        (tmp_path / name).write_bytes(b"\xd0\xcf\x11\xe0")
    assert main(["roster", "import", str(tmp_path / name), "--store", str(tmp_path / "store")]) == status
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and "Traceback" not in err


def test_show_without_a_store_or_a_list(tmp_path, capsys):
    assert main(["roster", "show", "--store", str(tmp_path)]) == 2
    assert "no records store here" in capsys.readouterr().err
    SqliteRecordStore(tmp_path).close()
    assert main(["roster", "show", "--store", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("no class list loaded")


# ----- the identify screen --------------------------------------------------------------------------------------------
@pytest.fixture
def visitor(all_profiles, tmp_path):
    options = KioskOptions(profile=all_profiles["chsi-graduation"], store=_store(tmp_path / "store"), sound=False)
    app = KioskApp(options, clock=lambda: 100.0)
    yield app
    app.ctx.close()
    app.store.close()


def test_the_identify_screen_refuses_a_number_not_on_the_list(visitor):
    app = visitor
    app.act("start")
    app.type_text("2023009")  # a typo of 2023001
    app.act("ok")
    assert app.flow.state is State.IDENTIFY and app.session.identity == ""
    vm = app.view_model(None, "ok")
    assert vm.identity_error and vm.identity_reason.code == "not_on_list"
    assert error_text(vm.identity_reason, "zh") == "这个号码不在名单上，请核对后重新输入，或联系工作人员。"
    assert error_text(vm.identity_reason, "en") == "This number is not on the class list; check it or ask staff."
    for _ in range(7):
        app.act("delete")
    app.type_text("2023001")
    app.act("ok")
    assert app.flow.state is State.GUIDE and app.session.identity == "2023001"


# ----- --identity, import, export -------------------------------------------------------------------------------------
def test_the_identity_flag_refuses_a_number_not_on_the_list(tmp_path, capsys):
    store = _store(tmp_path / "store")
    assert main(["kiosk", "--headless", "--camera", "demo", "--store", str(store), "--identity", "2023009"]) == 2
    assert capsys.readouterr().err == ("error: --identity: This number is not on the class list; check it or ask "
                                       "staff.\n")


def test_import_refuses_a_photo_named_after_a_number_not_on_the_list(tmp_path, capsys):
    store = _store(tmp_path / "store")
    mail = tmp_path / "mail"
    mail.mkdir()
    Image.new("RGB", (50, 50), (200, 180, 160)).save(mail / "2023009.jpg")  # not on the list
    Image.new("RGB", (50, 50), (200, 180, 160)).save(mail / "2023001.jpg")  # on it (too small: refused for that)
    assert main(["import", str(mail), "--store", str(store), "--json"]) == 1
    lines = {json.loads(line)["file"].rsplit("/", 1)[-1]: json.loads(line)
             for line in capsys.readouterr().out.splitlines()}
    assert lines["2023009.jpg"]["code"] == "not_on_list" and "not on the class list" in lines["2023009.jpg"]["message"]
    assert lines["2023001.jpg"]["code"] == "resolution_too_low"
    with SqliteRecordStore(store) as s:
        assert s.get("2023009") is None  # no record, no attempt under a typo


def test_export_says_how_many_are_missing_and_where_they_are_listed(tmp_path, capsys):
    store = _store(tmp_path / "store")
    with SqliteRecordStore(store) as s:
        s.file_picture("2023001", PROFILE, picture(0), GATES_OK)
    out = tmp_path / "batch-1.zip"
    assert main(["export", "--store", str(store), "-o", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    missing = tmp_path / "batch-1-missing.csv"
    assert lines[-1] == (f"class list: 1 student on it still without a picture; listed in {missing} (names "
                         "inside: keep it private).")
    assert missing.read_text(encoding="utf-8-sig").splitlines()[1] == "2023002,李四,2班,未上传"


@pytest.mark.parametrize("argv, words", [(["roster", "import"], "roster import needs the class-list file"),
                                         (["roster", "show", "list.csv"], "roster show takes no file"),
                                         (["roster", "show"], "give the kiosk's store folder with --store DIR")])
def test_usage_mistakes_are_one_sentence(tmp_path, capsys, argv, words):
    store = [] if argv == ["roster", "show"] else ["--store", str(tmp_path / "store")]
    assert main(argv + store) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and "Traceback" not in err
