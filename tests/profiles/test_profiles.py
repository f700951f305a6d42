"""Profiles: the shipped specs load, are feasible for real heads, bad files are refused clearly, docs match files."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from profiles.defaults import DEFAULT_ADVISORY_GATES, DEFAULTS_FILE, GATE_DEFAULTS, GATE_NAMES
from profiles import ProfileError, builtin_profile_dir, load_profile, load_profiles
from profiles.docs import profiles_markdown
from profiles.loader import PROFILE_DIRS_ENV, profile_files
from profiles.model import Band, Composition, Profile

REPO = Path(__file__).resolve().parents[2]
REQUIRED_IDS = {
    "chsi-graduation",
    "chsi-collection-code",
    "neea-exam",
    "zikao-hunan",
    "zikao-guangdong",
    "zikao-sichuan",
    "chengkao-henan",
    "kaoyan",
    "teacher-cert",
    "putonghua",
    "id-card",
    "social-security",
    "driving-licence",
    "cn-passport",
    "icao",
}
#: typical adult proportions (landmark model), as multiples of the face width fw
EYE_TO_HAIR, EYE_TO_CHIN = 0.9, 0.8


@pytest.fixture(autouse=True)
def _no_operator_dirs(monkeypatch):
    """Tests see only the built-in profiles unless they set the variable themselves."""
    monkeypatch.delenv(PROFILE_DIRS_ENV, raising=False)


@pytest.fixture(scope="module")
def shipped() -> dict[str, Profile]:
    import os

    saved = os.environ.pop(PROFILE_DIRS_ENV, None)
    try:
        return load_profiles()
    finally:
        if saved is not None:
            os.environ[PROFILE_DIRS_ENV] = saved


# ---------------------------------------------------------------------------------------------------------------
# feasibility by arithmetic


def _shrunk(band: Band | None, keep_out: float) -> tuple[float, float] | None:
    """Return `band` without `keep_out` × its width at each end (the solver aims inside, not at the edges)."""
    if band is None:
        return None
    cut = keep_out * (band.hi - band.lo)
    return band.lo + cut, band.hi - cut


def feasible_face_widths(
    profile: Profile, up: float = EYE_TO_HAIR, down: float = EYE_TO_CHIN, keep_out: float = 0.0, step: float = 0.25
) -> list[float]:
    """Return the face widths fw (px) for which some head position meets every composition band at once.

    The head: hair top = eye line − up·fw, chin = eye line + down·fw, head height = (up + down)·fw; it must lie
    inside the picture. Bands are narrowed by `keep_out` of their width at both ends.
    """
    comp, height = profile.composition, profile.height_px
    face, head = _shrunk(comp.face_width, keep_out), _shrunk(comp.head_height, keep_out)
    eye, hair = _shrunk(comp.eye_line, keep_out), _shrunk(comp.hair_top, keep_out)
    found = []
    fw = step
    while fw <= profile.width_px:
        if (face is None or face[0] <= fw <= face[1]) and (head is None or head[0] <= (up + down) * fw <= head[1]):
            lo, hi = up * fw, height - down * fw  # eye-line positions keeping the whole head in the picture
            if eye is not None:
                lo, hi = max(lo, eye[0]), min(hi, eye[1])
            if hair is not None:
                lo, hi = max(lo, hair[0] + up * fw), min(hi, hair[1] + up * fw)
            if comp.chin_max is not None:
                hi = min(hi, comp.chin_max - down * fw)
            if lo <= hi:
                found.append(fw)
        fw += step
    return found


def test_feasibility_check_detects_contradictory_bands(shipped):
    # GA 482's head width read as face width (165-189 px) contradicts its own head length (224-260 px)
    base = shipped["driving-licence"]
    comp = Composition(hair_top=Band(10, 20), face_width=Band(165, 189), head_height=Band(224, 260))
    bad = Profile(**{**base.__dict__, "composition": comp})
    assert feasible_face_widths(base)
    assert feasible_face_widths(bad) == []
    # an eye line the hair-top band cannot reach
    comp = Composition(hair_top=Band(7, 21), eye_line=Band(300, 320), face_width=Band(193, 221))
    assert feasible_face_widths(Profile(**{**base.__dict__, "composition": comp})) == []


@pytest.mark.parametrize("pid", sorted(REQUIRED_IDS))
def test_bands_feasible_for_typical_head(shipped, pid):
    profile = shipped[pid]
    assert feasible_face_widths(profile), f"{pid}: no face width meets all bands with a typical head"
    # with margin: still feasible when every band is cut to its middle 60 %
    assert feasible_face_widths(profile, keep_out=0.2), f"{pid}: feasible only at band edges"


@pytest.mark.parametrize("pid", sorted(REQUIRED_IDS))
@pytest.mark.parametrize("up,down", [(0.8, 0.75), (1.0, 0.85), (0.8, 0.85), (1.0, 0.75)])
def test_bands_feasible_across_head_shapes(shipped, pid, up, down):
    assert feasible_face_widths(shipped[pid], up=up, down=down), f"{pid}: infeasible for eye-to-hair {up}, chin {down}"


# ---------------------------------------------------------------------------------------------------------------
# shipped profiles


def test_required_profiles_ship(shipped):
    missing = REQUIRED_IDS - set(shipped)
    assert not missing, f"missing profiles: {sorted(missing)}"


def test_every_shipped_file_loads_and_is_named_after_its_id():
    files = profile_files(builtin_profile_dir())
    assert len(files) >= len(REQUIRED_IDS) and DEFAULTS_FILE not in files
    for path in files:
        profile = load_profile(path)
        assert path.name == f"{profile.id}.toml"


@pytest.mark.parametrize("pid", sorted(REQUIRED_IDS))
def test_profile_has_sources_date_and_notes(shipped, pid):
    profile = shipped[pid]
    assert profile.sources and all(s.strip() for s in profile.sources)
    for url in profile.sources:
        if "." in url.split()[0] and "/" in url and not url.startswith(("http://", "https://")):
            pytest.fail(f"{pid}: bare web address without https:// : {url}")
    assert isinstance(profile.verified, dt.date)
    assert dt.date(2020, 1, 1) <= profile.verified <= dt.date(2100, 1, 1)
    assert len(profile.notes.strip()) > 40, f"{pid}: notes must explain the choices"


@pytest.mark.parametrize("pid", sorted(REQUIRED_IDS))
def test_bands_inside_picture(shipped, pid):
    p = shipped[pid]
    comp = p.composition
    for band, limit in (
        (comp.hair_top, p.height_px),
        (comp.eye_line, p.height_px),
        (comp.head_height, p.height_px),
        (comp.face_width, p.width_px),
    ):
        if band is not None:
            assert 0 <= band.lo <= band.hi <= limit
    if comp.chin_max is not None:
        assert 0 < comp.chin_max <= p.height_px
    if comp.hair_top is not None and comp.eye_line is not None:
        assert comp.hair_top.hi < comp.eye_line.lo
    assert p.kb_min < p.kb_max
    assert p.format == "jpeg" and 1 <= p.quality_min <= 100
    assert "{id}" in p.naming
    assert set(p.gates) <= set(GATE_DEFAULTS)


def test_specific_figures(shipped):
    """A few figures straight from the standards, so an edit that breaks them is noticed."""
    card = shipped["id-card"]
    assert (card.width_px, card.height_px, card.dpi, card.quality_min) == (358, 441, 350, 70)
    assert card.composition.face_width == Band(193, 221)
    assert card.composition.eye_line.hi == 441 - 207
    lic = shipped["driving-licence"]
    assert (lic.width_px, lic.height_px, lic.composition.head_height) == (260, 378, Band(224, 260))
    assert shipped["kaoyan"].threshold("yaw_max_deg") == 10
    icao = shipped["icao"]
    assert (icao.threshold("yaw_max_deg"), icao.threshold("pitch_max_deg"), icao.threshold("roll_max_deg")) == (5, 5, 8)
    assert math.isclose(icao.composition.head_height.lo, 0.70 * 531)
    assert shipped["zikao-hunan"].kb_max == 15 and shipped["neea-exam"].kb_min == 20
    assert shipped["putonghua"].threshold("yaw_max_deg") == GATE_DEFAULTS["yaw_max_deg"]


# ---------------------------------------------------------------------------------------------------------------
# invalid files

VALID = """\
id = "test-spec"
purpose = "a test"
verified = 2026-11-23
notes = "n"

[name]
zh = "测试"
en = "Test"

[output]
width_px = 480
height_px = 640
dpi = 300
format = "jpeg"
kb_min = 20
kb_max = 40
quality_min = 60

[[background]]
name = "white"
rgb = [255, 255, 255]

[composition]
hair_top_px = [50, 110]
eye_line_px = [200, 300]
face_width_px = [180, 300]

[gates]
yaw_max_deg = 5

[naming]
template = "{id}.jpg"

[source]
urls = ["https://example.org/spec"]
"""


def _write(folder: Path, text: str, name: str = "spec.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _edit(old: str, new: str) -> str:
    assert old in VALID, f"test setup: {old!r} not in the valid file"
    return VALID.replace(old, new, 1)


def test_valid_base_file_loads(tmp_path):
    profile = load_profile(_write(tmp_path, VALID))
    assert profile.id == "test-spec" and profile.gates == {"yaw_max_deg": 5.0}


@pytest.mark.parametrize(
    "old,new,field",
    [
        ('purpose = "a test"\n', "", "purpose"),
        ("dpi = 300\n", "", "output.dpi"),
        ('[naming]\ntemplate = "{id}.jpg"\n', "", "naming"),
        ("width_px = 480", 'width_px = "480"', "output.width_px"),
        ("dpi = 300", "dpi = 300.5", "output.dpi"),
        ("verified = 2026-11-23", 'verified = "2026-11-23"', "verified"),
        ("quality_min = 60", "quality_min = true", "output.quality_min"),
        ("width_px = 480", "widht_px = 480", "output.widht_px"),
        ('notes = "n"', 'note = "n"', "note"),
        ("hair_top_px", "hair_tpo_px", "composition.hair_tpo_px"),
        ("kb_min = 20", "kb_min = 50", "output.kb_min"),
        ("rgb = [255, 255, 255]", "rgb = [256, 0, 0]", "background[0].rgb"),
        ("rgb = [255, 255, 255]", "rgb = [255, 255]", "background[0].rgb"),
        ("rgb = [255, 255, 255]", "rgb = [1.5, 2, 3]", "background[0].rgb"),
        ("hair_top_px = [50, 110]", "hair_top_px = [110, 50]", "composition.hair_top_px"),
        ("face_width_px = [180, 300]", "face_width_px = [180, 500]", "composition.face_width_px"),
        ("hair_top_px = [50, 110]", "hair_top_ratio = [0.2, 0.1]", "composition.hair_top_ratio"),
        ("yaw_max_deg = 5", "yaw_max = 5", "gates.yaw_max"),
        ("yaw_max_deg = 5", "yaw_max_deg = nan", "gates.yaw_max_deg"),
        ("yaw_max_deg = 5", "yaw_max_deg = -5", "gates.yaw_max_deg"),
        ('template = "{id}.jpg"', 'template = "{date}.jpg"', "naming.template"),
        ('template = "{id}.jpg"', 'template = "out/{id}.jpg"', "naming.template"),
        ('template = "{id}.jpg"', 'template = "{id}_{name}.jpg"', "naming.template"),
        ('id = "test-spec"', 'id = "Test Spec"', "id"),
        ('id = "test-spec"', 'id = "test-spec\\n"', "id"),
        ('urls = ["https://example.org/spec"]', "urls = []", "source.urls"),
        ('notes = "n"\n', 'notes = "n"\nadvisory_gates = ["ears"]\n', "advisory_gates"),
        ('notes = "n"\n', 'notes = "n"\nadvisory_gates = [1]\n', "advisory_gates"),
        ('notes = "n"\n', 'notes = "n"\nadvisory_gates = "ears_visible"\n', "advisory_gates"),
        ("rgb = [255, 255, 255]", "rgb = [255, 255, 255]\ndelta_e_max = -1", "background[0].delta_e_max"),
        ("rgb = [255, 255, 255]", "rgb = [255, 255, 255]\ndelta_e_max = 40", "background[0].delta_e_max"),
        ("rgb = [255, 255, 255]", 'rgb = [255, 255, 255]\ndelta_e_max = "8"', "background[0].delta_e_max"),
        ("rgb = [255, 255, 255]", "rgb = [255, 255, 255]\ndelta_e_max = nan", "background[0].delta_e_max"),
        ("rgb = [255, 255, 255]", "rgb = [255, 255, 255]\ntolerance = 8", "background[0].tolerance"),
        ("rgb = [255, 255, 255]\n", 'rgb = [255, 255, 255]\n[[background]]\nname = "white"\nrgb = [250, 250, 250]\n',
         "background[1].name"),
        ("quality_min = 60", "quality_min = 60\ncolour = 1", "output.colour"),
    ],
)
def test_invalid_file_names_file_and_field(tmp_path, old, new, field):
    path = _write(tmp_path, _edit(old, new))
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert info.value.path == str(path)
    assert info.value.field == field
    assert str(path) in str(info.value) and field in str(info.value)


def test_backdrop_tolerance_per_colour_and_the_colour_field(tmp_path):
    plain = load_profile(_write(tmp_path, VALID))
    (white,) = plain.backgrounds
    assert white.delta_e_max is None and plain.background_tolerance(white) == GATE_DEFAULTS["background_delta_e_max"]
    assert plain.colour is True  # a colour picture unless the spec says otherwise
    gate_key = load_profile(_write(tmp_path, _edit("yaw_max_deg = 5", "background_delta_e_max = 6.5")))
    assert gate_key.background_tolerance(gate_key.backgrounds[0]) == 6.5  # the old one-for-all key still works
    own = load_profile(_write(tmp_path, _edit("rgb = [255, 255, 255]", "rgb = [255, 255, 255]\ndelta_e_max = 7")))
    assert own.backgrounds[0].delta_e_max == 7.0 and own.background_tolerance(own.backgrounds[0]) == 7.0
    assert own.to_dict()["backgrounds"] == [{"name": "white", "rgb": [255, 255, 255], "delta_e_max": 7.0}]
    grey = load_profile(_write(tmp_path, _edit("quality_min = 60", "quality_min = 60\ncolour = false")))
    assert grey.colour is False and grey.to_dict()["colour"] is False


def test_thresholds_and_advisory_gates_default_to_the_defaults_file(tmp_path):
    plain = load_profile(_write(tmp_path, VALID))
    assert plain.advisory_gates is None
    assert {g for g in GATE_NAMES if plain.is_advisory(g)} == DEFAULT_ADVISORY_GATES
    assert plain.threshold("yaw_max_deg") == 5 and plain.threshold("pitch_max_deg") == GATE_DEFAULTS["pitch_max_deg"]
    strict = load_profile(_write(tmp_path, _edit('notes = "n"\n', 'notes = "n"\nadvisory_gates = []\n')))
    assert strict.advisory_gates == frozenset() and not any(strict.is_advisory(g) for g in GATE_NAMES)
    lenient = load_profile(_write(tmp_path, _edit('notes = "n"\n', 'notes = "n"\nadvisory_gates = ["sharpness"]\n')))
    assert lenient.is_advisory("sharpness") and not lenient.is_advisory("ears_visible")


def test_the_defaults_file_is_no_profile_but_an_operator_file_of_that_name_is(tmp_path, shipped):
    assert DEFAULTS_FILE.parent == builtin_profile_dir() and DEFAULTS_FILE.is_file()
    assert all(p.path != DEFAULTS_FILE for p in shipped.values())
    _write(tmp_path, VALID.replace('id = "test-spec"', 'id = "operator-defaults"'), "defaults.toml")
    assert "operator-defaults" in load_profiles(extra_dirs=[tmp_path])


def test_profiles_import_nothing_from_the_engine_or_the_application():
    import subprocess
    import sys

    code = ("import sys, profiles, profiles.docs, profiles.defaults; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('capture', 'kiosk')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_not_toml(tmp_path):
    path = _write(tmp_path, "id = \n[output\n")
    with pytest.raises(ProfileError, match="not valid TOML") as info:
        load_profile(path)
    assert info.value.path == str(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(VALID.replace("测试", "caf\u00e9").encode("latin-1"))
    with pytest.raises(ProfileError, match="not UTF-8") as info:
        load_profile(path)
    assert info.value.path == str(path)


def test_bad_file_in_folder_stops_loading_with_its_name(tmp_path):
    bad = _write(tmp_path, _edit("kb_min = 20", "kb_min = 99"), "broken.toml")
    with pytest.raises(ProfileError) as info:
        load_profiles(extra_dirs=[tmp_path])
    assert info.value.path == str(bad) and info.value.field == "output.kb_min"


def test_missing_operator_folder_is_an_error(tmp_path):
    with pytest.raises(ProfileError, match="does not exist"):
        load_profiles(extra_dirs=[tmp_path / "nope"])


# ---------------------------------------------------------------------------------------------------------------
# operator folders


def _operator_folder(folder: Path) -> Path:
    folder.mkdir()
    _write(folder, VALID.replace('id = "test-spec"', 'id = "operator-spec"'), "operator-spec.toml")
    override = (builtin_profile_dir() / "chsi-graduation.toml").read_text(encoding="utf-8")
    assert "kb_max = 40" in override
    _write(folder, override.replace("kb_max = 40", "kb_max = 60"), "my-chsi.toml")
    return folder


def test_extra_dirs_add_and_override(tmp_path, shipped):
    folder = _operator_folder(tmp_path / "ops")
    profiles = load_profiles(extra_dirs=[folder])
    assert "operator-spec" in profiles
    assert profiles["chsi-graduation"].kb_max == 60 and shipped["chsi-graduation"].kb_max == 40
    assert profiles["chsi-graduation"].path == folder / "my-chsi.toml"
    assert set(shipped) < set(profiles)


def test_env_variable_adds_folders(tmp_path, monkeypatch):
    folder = _operator_folder(tmp_path / "ops")
    assert "operator-spec" not in load_profiles()
    monkeypatch.setenv(PROFILE_DIRS_ENV, str(folder))
    profiles = load_profiles()
    assert "operator-spec" in profiles and profiles["chsi-graduation"].kb_max == 60


def test_duplicate_id_in_one_folder_is_an_error(tmp_path):
    _write(tmp_path, VALID, "a.toml")
    second = _write(tmp_path, VALID, "b.toml")
    with pytest.raises(ProfileError, match="already used") as info:
        load_profiles(extra_dirs=[tmp_path])
    assert info.value.path == str(second) and info.value.field == "id"


# ---------------------------------------------------------------------------------------------------------------
# docs


def test_docs_match_profiles(shipped):
    doc = REPO / "docs" / "profiles.md"
    assert doc.read_text(encoding="utf-8") == profiles_markdown(shipped), (
        "docs/profiles.md is stale: regenerate it with `idphoto profiles --markdown`"
    )


def test_markdown_has_one_row_per_profile(shipped):
    text = profiles_markdown(shipped)
    assert "idphoto profiles --markdown" in text.splitlines()[2]
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| id |")]
    assert [row.split(" | ")[0][2:] for row in rows] == sorted(shipped)
    card = next(row for row in rows if row.startswith("| id-card |"))
    cells = [c.strip() for c in card.strip("|").split(" | ")]
    assert cells[2:6] == ["358×441", "350", "14–20", "70"]
    assert cells[6:8] == ["white (255,255,255) ≤ 8", "colour"]
    assert cells[8:13] == ["7–21", "180–234", "193–221", "–", "–"]
    passport = next(row for row in rows if row.startswith("| cn-passport |"))
    assert "yaw_max_deg = 5" in passport and "| 546 |" in passport
