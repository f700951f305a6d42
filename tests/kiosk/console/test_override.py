"""An operator accepts a picture over a failed gate (religious headwear): only for that student, recorded in the
attempt, the audit and the export's report; the console page offers the reasons (kiosk.console.override)."""
from __future__ import annotations

import json
import time
import zipfile
from types import SimpleNamespace

import numpy as np
import pytest

from capture.gates import GATE_ORDER, GateResult
from kiosk.console.console import OVERRIDE_REASONS, AcceptOverride, OperatorConsole
from kiosk.station.flow import State
from kiosk.station.loop import KioskApp
from kiosk.station.settings import KioskOptions
from kiosk.station.worker import AnalysedFrame
from kiosk.store.export import export_batch
from kiosk.texts import text
from tests.conftest import FakeClock as Clock


def _hat_frame(app: KioskApp, index: int, rgb: np.ndarray) -> AnalysedFrame:
    """A frame whose only failing gate is head_covering, judged as the worker judges: by app.gating_profile()."""
    profile = app.gating_profile()
    gates = {n: GateResult(n, n != "head_covering", 0.0, 1.0, n, advisory=profile.is_advisory(n)) for n in GATE_ORDER}
    analysis = SimpleNamespace(face=object(), complete=True, sharpness=50.0)
    return AnalysedFrame(index, rgb, analysis, gates, 0.0)


def _feed(app: KioskApp, clock: Clock, face: np.ndarray, first: int, count: int) -> None:
    for i in range(first, first + count):
        clock.t += 1 / 30
        app.step(_hat_frame(app, i, face))


def _until_made(app: KioskApp, face: np.ndarray, limit_s: float = 60.0) -> None:
    deadline = time.monotonic() + limit_s
    while app.flow.state is State.COUNTDOWN and time.monotonic() < deadline:
        app.step(_hat_frame(app, 999, face))
        time.sleep(0.02)


def _open_console(app: KioskApp) -> None:
    app.handle_input("operator")  # F12
    for pin in ("0000", "2468", "2468"):  # the factory PIN, then a new one twice
        for key in pin:
            app.handle_input(f"key:{key}")
        app.handle_input("ok")
    assert app.console is not None and app.console.page == "queue"


def test_a_hat_is_accepted_for_one_student_on_religious_grounds_and_recorded(station, tmp_path, studio):
    app, clock = station
    face = studio("grace", app.o.profile.backgrounds[0].rgb)  # her cap on a plain backdrop: only the hat fails
    app.act("start")
    assert app.flow.state is State.GUIDE and app.session.identity == "2023001"
    _feed(app, clock, face, 1, 100)  # the hat keeps failing: never a countdown
    assert app.flow.state is State.GUIDE and not app.gating_profile().is_advisory("head_covering")

    _open_console(app)
    assert app.console_bridge.profile_changed is False
    app.handle_input("goto:override")
    assert app.console.page == "override"
    app.handle_input("override:religious_headwear")
    assert app.console.state().message == "op_override_done"
    assert app.session.override == {"gates": ["head_covering", "ears_visible"], "reason": "religious_headwear",
                                    "operator": "operator 1"}
    assert app.console_bridge.profile_changed is True  # the loop gives the worker the new gating profile
    app.console_bridge.profile_changed = False
    assert app.gating_profile().is_advisory("head_covering") and not app.gating_profile().is_advisory("yaw")
    [audit] = app.store.audit("2023001")
    assert (audit.action, audit.reason, audit.operator, dict(audit.detail)) == (
        "override", "religious_headwear", "operator 1", {"gates": ["head_covering", "ears_visible"]})
    app.handle_input("exit")

    _feed(app, clock, face, 101, 100)  # the same hat, now only advising
    _until_made(app, face)
    assert app.flow.state is State.REVIEW
    app.act("confirm")
    assert app.flow.state is State.SAVED and app.filed == 1
    [attempt] = app.store.attempts("2023001")
    assert attempt.accepted and attempt.gates["head_covering"]["ok"] is False
    assert attempt.gates["head_covering"]["advisory"] is True
    assert attempt.gates["override"] == {"gates": ["head_covering", "ears_visible"], "reason": "religious_headwear",
                                         "operator": "operator 1"}

    app.act("ok")  # the student leaves: the next one is judged as usual
    assert app.flow.state is State.IDLE and app.session.override is None
    assert app.console_bridge.profile_changed is True
    assert not app.gating_profile().is_advisory("head_covering")

    report = export_batch(app.store, tmp_path / "out.zip")
    assert report.exported == ["2023001"]
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        doc = json.loads(zf.read("reports/2023001.json"))
    assert doc["override"] == {"gates": ["head_covering", "ears_visible"], "reason": "religious_headwear",
                               "operator": "operator 1"}
    assert "override" not in doc["gate_summary"]


def test_an_override_without_a_student_at_the_guide_screen_is_refused(station):
    app, _ = station
    _open_console(app)
    assert app.flow.state is State.IDLE
    app.console_bridge.carry_out(AcceptOverride("hearing_aid", OVERRIDE_REASONS["hearing_aid"], "operator 1"))
    assert app.console.state().message == "op_override_no_student" and app.session.override is None
    assert app.store.audit() == []


def test_the_console_page_offers_each_reason_and_back():
    console = OperatorConsole(lambda: [], None)
    console.page, console.operator = "override", "operator 1"
    assert console.handle("override:unknown") == []
    assert console.handle("override:glasses_fixed") == [
        AcceptOverride("glasses_fixed", ("glasses_glare", "tinted_glasses"), "operator 1")]
    assert console.handle("back") == [] and console.page == "queue"
    for reason, gates in OVERRIDE_REASONS.items():
        assert set(gates) <= set(GATE_ORDER)
        for lang in ("zh", "en"):
            assert text(f"op_override_reason_{reason}", lang)
