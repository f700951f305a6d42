"""Each gate on real packaged faces and the synthetic perturbation that must flip it."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from capture.backdrop import place_on_backdrop
from capture.gates import GATE_ORDER, SPECS_BY_NAME, blocking_ok, first_failure
from kiosk.texts import hint_text
from tests.conftest import astronaut_mouth_closed

LIGHT_BLUE = (100, 197, 255)


@pytest.fixture(scope="module")
def checker():
    from capture.check import StillChecker

    with StillChecker() as c:
        yield c


@pytest.fixture(scope="module")
def profile(all_profiles):
    return all_profiles["chsi-graduation"]


@pytest.fixture(scope="module")
def base(studio) -> np.ndarray:
    """The astronaut (smile closed) on the light-blue backdrop of the 学信网 spec, with room around the head."""
    return studio("astronaut_closed", LIGHT_BLUE)


def verdicts(checker, rgb, profile):
    _, m = checker.measure(rgb)
    from capture.gates import evaluate

    return evaluate(m, profile), m


@pytest.fixture(scope="module")
def base_result(checker, base, profile):
    return verdicts(checker, base, profile)


def _face_points(checker, rgb):
    ctx, _ = checker.measure(rgb)
    return ctx


def test_every_gate_is_reported_in_priority_order(base_result):
    results, _ = base_result
    assert tuple(results) == GATE_ORDER and len(GATE_ORDER) == 18
    for g in results.values():
        assert g.hint in SPECS_BY_NAME[g.name].hint_codes and hint_text(g.hint, "zh") != hint_text(g.hint, "en")


#: her bob hangs over the upper ears (only the lobes show): ears_visible fails for real, and only advises
ASTRONAUT_EARS = {"ears_visible"}


def test_original_passes_every_gate_it_should(base_result):
    results, _ = base_result
    failing = {name for name, g in results.items() if not g.ok}
    assert failing == ASTRONAUT_EARS, {n: results[n].to_dict() for n in failing}
    assert blocking_ok(results) and results["ears_visible"].advisory
    assert first_failure(results).name == "ears_visible"


def test_smile_with_teeth_fails_only_mouth_closed(checker, studio, profile):
    results, _ = verdicts(checker, studio("astronaut", LIGHT_BLUE), profile)
    failing = {name for name, g in results.items() if not g.ok}
    assert failing == {"mouth_closed"} | ASTRONAUT_EARS, {n: results[n].to_dict() for n in failing}
    assert first_failure(results).hint == "mouth_closed"  # a blocking failure comes before an advisory one


def _rotate(rgb, degrees, centre):
    matrix = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), degrees, 1.0)
    return cv2.warpAffine(rgb, matrix, (rgb.shape[1], rgb.shape[0]), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


@pytest.mark.parametrize(("degrees", "ok"), [(15, False), (-15, False), (2, True), (-2, True)])
def test_roll(checker, base, profile, degrees, ok):
    ctx = _face_points(checker, base)
    results, _ = verdicts(checker, _rotate(base, degrees, ctx.face.eye_mid), profile)
    assert results["roll"].ok is ok, results["roll"].to_dict()


def test_roll_hint_direction(checker, base, profile):
    ctx = _face_points(checker, base)
    a, _ = verdicts(checker, _rotate(base, 12, ctx.face.eye_mid), profile)
    b, _ = verdicts(checker, _rotate(base, -12, ctx.face.eye_mid), profile)
    assert {a["roll"].hint, b["roll"].hint} == {"tilt_left", "tilt_right"}


def test_half_face_shadow_fails_lighting(checker, base, profile):
    ctx = _face_points(checker, base)
    x0, y0, x1, y1 = (int(v) for v in ctx.face.box)
    shaded = base.astype(np.float32)
    cx = int(ctx.face.face_centre_x)
    shaded[y0:y1, x0 - 20:cx] *= 0.35
    results, _ = verdicts(checker, shaded.astype(np.uint8), profile)
    assert not results["lighting_even"].ok, results["lighting_even"].to_dict()


def test_glare_spots_on_irises_fail_glasses_glare(checker, base, profile):
    ctx = _face_points(checker, base)
    ied = ctx.face.inter_eye_px
    glare = base.copy()
    for eye in (ctx.face.eye_right, ctx.face.eye_left):
        centre = (int(eye[0] + 0.03 * ied), int(eye[1] - 0.02 * ied))
        cv2.ellipse(glare, centre, (int(0.12 * ied), int(0.07 * ied)), 20, 0, 360, (255, 255, 255), -1)
    results, _ = verdicts(checker, glare, profile)
    assert not results["glasses_glare"].ok, results["glasses_glare"].to_dict()


def test_dark_lenses_fail_tinted_glasses(checker, base, profile):
    ctx = _face_points(checker, base)
    ied = ctx.face.inter_eye_px
    mask = np.zeros(base.shape[:2], np.uint8)
    for eye in (ctx.face.eye_right, ctx.face.eye_left):
        cv2.ellipse(mask, (int(eye[0]), int(eye[1])), (int(0.38 * ied), int(0.26 * ied)), 0, 0, 360, 1, -1)
    tinted = base.astype(np.float32)
    tinted[mask.astype(bool)] *= 0.25
    results, _ = verdicts(checker, tinted.astype(np.uint8), profile)
    assert not results["tinted_glasses"].ok, results["tinted_glasses"].to_dict()


def test_blur_fails_sharpness(checker, base, profile):
    ctx = _face_points(checker, base)
    blurred = cv2.GaussianBlur(base, (0, 0), 0.04 * ctx.face.face_width_px)
    results, _ = verdicts(checker, blurred, profile)
    assert not results["sharpness"].ok, results["sharpness"].to_dict()


def test_busy_background_fails(checker, base, profile, analyzer):
    from skimage import data

    person = astronaut_mouth_closed()
    texture = cv2.resize(data.coffee(), (base.shape[1], base.shape[0]))
    canvas = place_on_backdrop(person, analyzer.person_mask(person), (base.shape[1], base.shape[0]), (0, 0, 0), 2.0)
    backdrop_mask = np.all(canvas == 0, axis=2)
    canvas[backdrop_mask] = texture[backdrop_mask]
    results, _ = verdicts(checker, canvas, profile)
    assert not results["background"].ok, results["background"].to_dict()


def test_red_background_fails(checker, studio, profile):
    results, _ = verdicts(checker, studio("astronaut_closed", (200, 30, 30)), profile)
    assert not results["background"].ok, results["background"].to_dict()


def test_white_background_passes_for_profile_allowing_white(checker, studio, profile):
    results, _ = verdicts(checker, studio("astronaut_closed", (255, 255, 255)), profile)
    assert results["background"].ok, results["background"].to_dict()


def test_face_shifted_to_edge_fails_in_frame(checker, base, profile):
    shift = int(0.3 * base.shape[1])
    moved = np.concatenate([np.repeat(base[:, :1], shift, axis=1), base[:, :-shift]], axis=1)
    results, _ = verdicts(checker, moved, profile)
    # the subject now sits on the image's right, i.e. towards their own left: they should move to their right
    assert not results["in_frame"].ok and results["in_frame"].hint == "move_right", results["in_frame"].to_dict()


def test_shrunk_face_fails_distance(checker, base, profile):
    small = cv2.resize(base, None, fx=0.3, fy=0.3, interpolation=cv2.INTER_AREA)
    results, _ = verdicts(checker, small, profile)
    assert not results["distance"].ok and results["distance"].hint == "move_closer", results["distance"].to_dict()


def test_two_faces_fail_single_face(checker, base, profile):
    pair = np.concatenate([base, base], axis=1)
    results, _ = verdicts(checker, pair, profile)
    assert not results["single_face"].ok and results["single_face"].value == 2


def test_no_face_fails_every_gate_without_crash(checker, profile):
    from skimage import data

    results, m = verdicts(checker, data.coffee(), profile)
    assert all(not g.ok for g in results.values())
    assert results["single_face"].value == 0 and m.framing is None


def test_closed_eyes_fail_eyes_open(checker, base, profile):
    from capture.synth import close_eyes

    ctx = _face_points(checker, base)
    results, _ = verdicts(checker, close_eyes(base, ctx.face), profile)
    assert not results["eyes_open"].ok and results["eyes_open"].hint == "eyes_open", results["eyes_open"].to_dict()
