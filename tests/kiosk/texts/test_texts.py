"""Every code the engine and the store can produce has a Chinese and an English sentence, and a Chinese screen never
shows a refusal in English only.

The codes are declared once where they are raised (capture.errors.PHOTO_CODES, kiosk.store.identity.IDENTITY_CODES,
kiosk.store.errors.STORE_CODES); the sources are also read (ast) for raise sites whose literal code is not declared,
so a new code without a sentence fails here.
"""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path
from types import SimpleNamespace

import pygame
import pytest

from capture.compose import BLOCKED_CODES
from capture.errors import PHOTO_CODES, Codes, PhotoError
from kiosk.store.errors import STORE_CODES
from kiosk.store.identity import IDENTITY_CODES, IdentityError
from kiosk.store.lifecycle import TRANSITION_CODES, Status, refusal_code
from kiosk.texts import LANGS, error_text, has, text
from kiosk.texts.identity import IDENTITY
from kiosk.texts.photo import PHOTO
from kiosk.texts.station import STATION
from kiosk.texts.store import STORE

ROOT = Path(__file__).resolve().parents[3]
DECLARED = {"photo": (PHOTO_CODES, PHOTO), "identity": (IDENTITY_CODES, IDENTITY), "store": (STORE_CODES, STORE)}
#: error class -> (domain, index of the code among the positional arguments, fields its constructor fills itself)
RAISERS = {"PhotoError": ("photo", 1, ()), "IdentityError": ("identity", 0, ()),
           "TransitionError": ("store", 3, ("from_status", "to_status")), "StoreError": ("store", 1, ()),
           "PictureRejected": ("store", 1, ("problems",))}
#: a value for every field a sentence may name (format specs such as {limit:,} and {kb_min:g} need numbers)
SAMPLE = {"error": "ENOSPC", "limit": 80_000_000, "count": 2, "scale": 3.25, "max_scale": 2.5, "kb_min": 20.0,
          "kb_max": 40.0, "quality_min": 60, "quality_max": 100, "smallest_bytes": 41_000, "smallest_quality": 60,
          "largest_bytes": 90_000, "largest_quality": 100, "problems": Codes(["kb", "dpi"]), "max": 40,
          "date": "19901332", "expected": "X", "kinds": Codes(["student"]), "from_status": "FILED",
          "to_status": "FILED", "detail": "file is not a database", "pictures": "/srv/store/pictures",
          "name": "2023001.jpg", "width": 50, "height": 50, "min_width": 320, "min_height": 427, "out_width": 480,
          "out_height": 640, "station": "3"}
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _placeholders(sentence: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(sentence) if name}


@pytest.mark.parametrize("domain", sorted(DECLARED))
def test_every_declared_code_has_both_sentences_naming_only_its_fields(domain):
    codes, table = DECLARED[domain]
    assert set(table) == set(codes), "a sentence without a code, or a code without a sentence"
    for code, fields in codes.items():
        assert has(f"{domain}.{code}")
        for lang in LANGS:
            sentence = table[code][lang]
            assert _placeholders(sentence) <= set(fields), (domain, code, lang)
            worded = text(f"{domain}.{code}", lang, **{f: SAMPLE[f] for f in fields})
            assert worded and "{" not in worded
        assert CJK.search(table[code]["zh"]) and not CJK.search(table[code]["en"]), (domain, code)


def test_every_station_key_the_loop_sets_has_both_sentences():
    station = ROOT / "kiosk" / "station"
    source = "".join(p.read_text(encoding="utf-8") for p in sorted(station.rglob("*.py")))
    keys = set(re.findall(r'"(station\.[a-z_]+)"', source))
    assert {"station.filing_refused", "station.filing_failed", "station.analysis_stopped"} <= keys
    for key in keys:
        assert has(key) and key.split(".", 1)[1] in STATION


def _raise_sites():
    """Yield (file, line, class name, call) for every call of a coded error class in capture/ and kiosk/."""
    for folder in ("capture", "kiosk"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    if name in RAISERS:
                        yield path.relative_to(ROOT), node.lineno, name, node


def test_raise_sites_pass_declared_codes_with_their_fields_and_no_sentences():
    literal_sites = 0
    for where, line, name, call in _raise_sites():
        domain, index, implicit = RAISERS[name]
        codes = DECLARED[domain][0]
        place = f"{where}:{line}"
        values = list(call.args) + [k.value for k in call.keywords]
        assert not [v for v in values if isinstance(v, ast.JoinedStr) or (isinstance(v, ast.Constant)
                    and isinstance(v.value, str) and " " in v.value)], f"{place}: a sentence is passed"
        assert not {k.arg for k in call.keywords} & {"reason", "advice"}, f"{place}: English reason/advice"
        if len(call.args) <= index:
            continue  # the class's own definition or a re-raise with a non-literal code (checked below)
        literals = [c.value for c in ast.walk(call.args[index])
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)]
        for code in literals:
            assert code in codes, f"{place}: {name} code {code!r} is not declared (and has no sentence)"
            passed = {k.arg for k in call.keywords if k.arg}
            if isinstance(call.args[index], ast.Constant) and not any(k.arg is None for k in call.keywords):
                assert set(codes[code]) <= passed | set(implicit), f"{place}: {code} misses fields"
            literal_sites += 1
        extra = [a for a in call.args[index + 1:] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        assert not extra, f"{place}: {name} is given text after its code"
    assert literal_sites >= 40  # the walk really found the raise sites


def test_codes_chosen_at_run_time_are_declared():
    assert set(BLOCKED_CODES.values()) <= set(PHOTO_CODES)
    for frm in Status:
        for to in Status:
            assert refusal_code(frm, to) in TRANSITION_CODES


def test_a_photo_error_reads_in_both_languages_with_its_file():
    err = PhotoError("a.jpg", "too_many_pixels", limit=80_000_000, width=9000, height=9000)
    assert error_text(err, "en").startswith("a.jpg: The photo is too large") and "80,000,000" in error_text(err, "en")
    assert error_text(err, "zh").startswith("a.jpg: 照片太大") and "80,000,000" in error_text(err, "zh")
    assert str(err) == "a.jpg: too_many_pixels"  # logs get the code, never a sentence


# --- a Chinese screen shows Chinese -----------------------------------------------------------------------------------

class RecordingTypesetter:
    """Wraps kiosk.ui's Typesetter and keeps every string a screen draws."""

    def __init__(self, height: int) -> None:
        from kiosk.ui.common import Typesetter

        self.inner, self.drawn = Typesetter(height), []

    def draw(self, surface, text, *args, **kwargs):
        self.drawn.append(text)
        return self.inner.draw(surface, text, *args, **kwargs)


def _render(module, vm) -> list[str]:
    pygame.init()
    surface = pygame.Surface((1280, 800))
    ts = RecordingTypesetter(800)
    module.draw(surface, ts, vm)
    return ts.drawn


def _chinese_only(line: str) -> bool:
    return bool(CJK.search(line)) and not ENGLISH_WORD.search(line)


def test_a_refused_filing_after_an_export_reads_in_chinese_on_a_chinese_screen(all_profiles, tmp_path):
    from kiosk.station.flow import State
    from kiosk.station.loop import KioskApp
    from kiosk.ui import error as error_screen
    from tests.kiosk.station.test_kiosk_e2e import _options
    from tests.kiosk.store.test_records import picture

    profile = all_profiles["chsi-graduation"]
    app = KioskApp(_options(profile, tmp_path, None, identity=None))
    try:
        data = picture(0)
        app.store.file_picture("2023001", profile, data, {})
        app.store.lock(["2023001"])  # exported
        shown = SimpleNamespace(data=data, rgb=None, layout=None, size_kb=len(data) / 1024, backdrop_replaced=None)
        app.session.identity, app.session.picture = "2023001", shown
        app.flow.state = State.REVIEW
        app.act("confirm")  # the same number typed again and confirmed
        assert app.flow.state is State.ERROR and app.session.error_code == "station.filing_refused"
        vm = app.view_model(None, "ok")
    finally:
        app.store.close()
    assert vm.lang == "zh"
    main, subtitle = error_screen.error_lines(vm)
    assert _chinese_only(main) and "This number already has a filed photo" in subtitle
    drawn = _render(error_screen, vm)
    assert main in drawn and "出了点问题" in drawn
    assert all(CJK.search(line) or line in (subtitle, "!") for line in drawn), drawn


@pytest.mark.parametrize("code, fields", [("id_check_digit", {"expected": "X"}), ("not_accepted",
                                                                                 {"kinds": Codes(["student"])})])
def test_a_refused_number_reads_in_chinese_on_a_chinese_identify_screen(all_profiles, code, fields):
    from kiosk.station.flow import State
    from kiosk.station.view_model import ViewModel
    from kiosk.ui import identify

    vm = ViewModel(state=State.IDENTIFY, lang="zh", profile=all_profiles["chsi-graduation"], identity="2023001",
                   identity_error=True, identity_reason=IdentityError(code, **fields))
    line = identify.refusal_text(vm)
    assert _chinese_only(line.replace("X", "")), line
    assert line in _render(identify, vm)
    vm.lang = "en"
    assert not CJK.search(identify.refusal_text(vm))
