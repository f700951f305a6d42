"""The export's per-picture report says how far inside its bands the head sits (band_margin_px), measured again on
the picture file; existing report keys stay."""
from __future__ import annotations

import json
import zipfile

from capture.check import measure_picture_margins
from capture.picture import make_picture
from kiosk.store.export import export_batch
from kiosk.store.records import SqliteRecordStore


def test_the_report_carries_the_smallest_band_margin_and_each_bands(studio, analyzer, all_profiles, tmp_path):
    profile = all_profiles["chsi-graduation"]
    picture = make_picture(studio("astronaut", profile.backgrounds[0].rgb), profile, analyzer, "astronaut")
    expected = measure_picture_margins(picture.data, profile, analyzer)
    assert expected is not None and expected.smallest > 5  # placed well inside every band
    store = SqliteRecordStore(tmp_path / "store")
    try:
        store.file_picture("2023001", profile, picture.data, {"eyes_open": {"ok": True}})
        report = export_batch(store, tmp_path / "batch.zip")
    finally:
        store.close()
    with zipfile.ZipFile(report.zip_path) as zf:
        doc = json.loads(zf.read("reports/2023001.json"))
    assert doc["band_margin_px"] == round(expected.smallest, 1)
    assert set(doc["band_margins_px"]) == {"hair_top_px", "eye_line_px", "face_width_px"}
    assert min(doc["band_margins_px"].values()) == doc["band_margin_px"]
    assert {"ok", "file_spec", "problems", "gates", "gate_summary", "sha256"} <= set(doc)  # the keys that were
