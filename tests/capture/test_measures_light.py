"""Light, exposure, sharpness and background measures on packaged portraits and synthetic perturbations of them.

The studio images are the packaged portraits cut out onto a plain backdrop (conftest `studio`). Perturbations that do
not move the face (shadows, exposure, blur) reuse the clean frame's landmarks, so only the measure is under test;
those that change the scene (new backdrop, new scale) run the analyzer again.
"""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from capture.measures.background import delta_e_2000, measure_background, nearest_background
from capture.measures.colour import srgb_to_lab
from capture.faces.parts import face_oval_indices
from capture.measures.light import measure_light
from capture.measures.sharpness import measure_sharpness
from profiles.defaults import GATE_DEFAULTS

WHITE = (255, 255, 255)
LIGHT_BLUE = (100, 197, 255)
RED = (200, 30, 30)
PROFILE_COLOURS = (LIGHT_BLUE, WHITE)
#: proposed exposure band on the face-skin mean luminance (linear Y); not a settings key yet
LUMA_BAND = (0.03, 0.70)


def lighting_even(light) -> bool:
    return light.balance_ratio >= GATE_DEFAULTS["lighting_balance_min_ratio"]


def exposure_ok(light) -> bool:
    return (
        light.clipped_dark_ratio + light.clipped_bright_ratio <= GATE_DEFAULTS["exposure_clipped_max_ratio"]
        and LUMA_BAND[0] <= light.face_luma_mean <= LUMA_BAND[1]
    )


def sharp(sharpness) -> bool:
    return sharpness.laplacian_var >= GATE_DEFAULTS["sharpness_min"]


def background_plain(background) -> bool:
    return background.gradient_mean <= GATE_DEFAULTS["background_gradient_max"]


def background_colour_ok(background) -> bool:
    return nearest_background(background.mean_lab, PROFILE_COLOURS)[1] <= GATE_DEFAULTS["background_delta_e_max"]


@pytest.fixture(scope="module")
def contexts(analyzer, studio):
    """(name, colour) -> FaceContext of the studio image, built once."""
    cache = {}

    def get(name: str, colour: tuple[int, int, int]):
        if (name, colour) not in cache:
            cache[(name, colour)] = analyzer.context(studio(name, colour))
        return cache[(name, colour)]

    return get


def with_rgb(ctx, rgb: np.ndarray):
    """Return `ctx` with its frame replaced (same landmarks, head and mask)."""
    return dataclasses.replace(ctx, rgb=np.ascontiguousarray(rgb))


def paste_on(analyzer, rgb: np.ndarray, backdrop: np.ndarray) -> np.ndarray:
    """Return the person of `rgb` (by its person mask) composited onto `backdrop` (same size)."""
    alpha = analyzer.person_mask(rgb)[..., None]
    return np.clip(alpha * rgb + (1 - alpha) * backdrop + 0.5, 0, 255).astype(np.uint8)


def test_face_oval_is_the_closed_facemesh_silhouette():
    from mediapipe.python.solutions.face_mesh_connections import FACEMESH_FACE_OVAL

    order = face_oval_indices()
    assert len(order) == len(set(order)) == 36
    assert order[0] == 10
    edges = {frozenset(e) for e in FACEMESH_FACE_OVAL}
    assert {frozenset((a, b)) for a, b in zip(order, order[1:] + order[:1])} == edges


@pytest.mark.parametrize("colour", [WHITE, LIGHT_BLUE], ids=["white", "light-blue"])
@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_studio_portraits_pass_light_exposure_sharpness_and_background(contexts, name, colour):
    ctx = contexts(name, colour)
    light, focus, background = measure_light(ctx), measure_sharpness(ctx), measure_background(ctx)
    assert lighting_even(light), light
    assert exposure_ok(light), light
    assert sharp(focus), focus
    assert background_plain(background), background
    assert background_colour_ok(background), background
    assert nearest_background(background.mean_lab, PROFILE_COLOURS)[0] == PROFILE_COLOURS.index(colour)
    assert background.coverage > 0.3
    assert np.allclose(background.mean_rgb, colour, atol=3)


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_half_face_in_shadow_fails_balance(contexts, name):
    ctx = contexts(name, WHITE)
    left, top, right, bottom = (int(round(v)) for v in ctx.face.box)
    centre = int(round(ctx.face.face_centre_x))
    shaded = ctx.rgb.astype(np.float32)
    shaded[top:bottom, left:centre] *= 0.35
    light = measure_light(with_rgb(ctx, shaded.astype(np.uint8)))
    assert measure_light(ctx).balance_ratio > 0.8
    assert not lighting_even(light), light
    assert light.balance_ratio < 0.2
    assert light.zones.cheek_right < light.zones.cheek_left  # the image-left cheek is the subject's right


@pytest.mark.parametrize("gain", [0.2, 2.5], ids=["darkened", "brightened"])
@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_strong_under_or_over_exposure_fails(contexts, name, gain):
    ctx = contexts(name, WHITE)
    light = measure_light(with_rgb(ctx, np.clip(ctx.rgb * gain, 0, 255).astype(np.uint8)))
    assert not exposure_ok(light), light
    if gain > 1:
        assert light.clipped_bright_ratio > 0.5
    else:
        assert light.face_luma_mean < LUMA_BAND[0] or light.clipped_dark_ratio > 0.08


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_strong_blur_fails_sharpness_mild_blur_does_not(contexts, name):
    ctx = contexts(name, WHITE)
    ied = ctx.face.inter_eye_px
    strong = measure_sharpness(with_rgb(ctx, cv2.GaussianBlur(ctx.rgb, (0, 0), 0.05 * ied)))  # about 4 px here
    mild = measure_sharpness(with_rgb(ctx, cv2.GaussianBlur(ctx.rgb, (0, 0), 1.0)))
    assert sharp(measure_sharpness(ctx))
    assert not sharp(strong), strong
    assert sharp(mild), mild
    assert strong.laplacian_var < mild.laplacian_var < measure_sharpness(ctx).laplacian_var


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_busy_backdrop_fails_gradient(analyzer, contexts, name):
    from skimage import data

    plain = contexts(name, WHITE)
    h, w = plain.rgb.shape[:2]
    coffee = cv2.resize(data.coffee(), (w, h), interpolation=cv2.INTER_LINEAR)
    busy = measure_background(analyzer.context(paste_on(analyzer, plain.rgb, coffee)))
    assert background_plain(measure_background(plain))
    assert not background_plain(busy), busy
    assert busy.colour_std > measure_background(plain).colour_std


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_red_backdrop_fails_colour_but_stays_plain(contexts, name):
    background = measure_background(contexts(name, RED))
    assert background_plain(background)
    index, delta_e = nearest_background(background.mean_lab, PROFILE_COLOURS)
    assert delta_e > GATE_DEFAULTS["background_delta_e_max"]
    assert delta_e > 40
    assert not background_colour_ok(background)


@pytest.mark.parametrize("name", ["grace", "astronaut"])
def test_sharpness_and_gradient_do_not_depend_on_scale(analyzer, contexts, name):
    from skimage import data

    def half(rgb: np.ndarray) -> np.ndarray:
        return cv2.resize(rgb, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)

    plain = contexts(name, WHITE)
    small = analyzer.context(half(plain.rgb))
    s1, s2 = measure_sharpness(plain).laplacian_var, measure_sharpness(small).laplacian_var
    assert 0.7 <= s2 / s1 <= 1.3, (s1, s2)
    assert background_plain(measure_background(small))

    h, w = plain.rgb.shape[:2]
    busy = paste_on(analyzer, plain.rgb, cv2.resize(data.coffee(), (w, h), interpolation=cv2.INTER_LINEAR))
    g1 = measure_background(analyzer.context(busy)).gradient_mean
    g2 = measure_background(analyzer.context(half(busy))).gradient_mean
    assert 0.7 <= g2 / g1 <= 1.3, (g1, g2)


# Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula", Table 1: (L*a*b* 1, L*a*b* 2, ΔE00)
SHARMA_PAIRS = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
    ((50.0000, 2.8361, -74.0200), (50.0000, 0.0000, -82.7485), 3.4412),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0010), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize("lab1,lab2,expected", SHARMA_PAIRS)
def test_delta_e_2000_matches_sharma_reference_pairs(lab1, lab2, expected):
    assert delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e_2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_srgb_to_lab_of_known_colours():
    assert np.allclose(srgb_to_lab(np.array(WHITE, np.uint8)), (100.0, 0.0, 0.0), atol=0.01)
    assert np.allclose(srgb_to_lab(np.array((0, 0, 0), np.uint8)), (0.0, 0.0, 0.0), atol=0.01)
    # sRGB red, D65: L* 53.24, a* 80.09, b* 67.20
    assert np.allclose(srgb_to_lab(np.array((255, 0, 0), np.uint8)), (53.24, 80.09, 67.20), atol=0.05)
    assert np.allclose(srgb_to_lab(np.array((255.0, 0.0, 0.0))), srgb_to_lab(np.array((255, 0, 0), np.uint8)), atol=1e-3)


def test_nearest_background_picks_the_closest_colour():
    grey = srgb_to_lab(np.array((225, 225, 225), np.uint8))
    index, delta_e = nearest_background(grey, [LIGHT_BLUE, (220, 220, 220), WHITE])
    assert index == 1 and delta_e < 2
    with pytest.raises(ValueError):
        nearest_background(grey, [])
