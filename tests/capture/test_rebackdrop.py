"""Backdrop replacement (换底): new colour, no rim of the old one, room above the head, and `make --replace-backdrop`."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from capture.errors import PhotoError
from capture.picture import backdrop_colour, make_picture
from capture.rebackdrop import inner_person, replace_backdrop, subject_only
from kiosk.commands.main import main

GREEN = (30, 180, 60)  # a colour the astronaut does not wear: any of it left on the new backdrop is a rim
WHITE = (255, 255, 255)


def _green_pixels(rgb: np.ndarray) -> int:
    r, g, b = (rgb[..., i].astype(int) for i in range(3))
    return int(np.count_nonzero((g > r + 40) & (g > b + 40)))


@pytest.fixture(scope="module")
def on_green(analyzer, studio):
    rgb = studio("astronaut_closed", GREEN)
    found = analyzer.find_head(rgb)
    return rgb, found.head, analyzer.person_mask(rgb)


def test_new_colour_behind_an_untouched_face_and_no_rim_of_the_old(on_green):
    rgb, head, mask = on_green
    fixed = replace_backdrop(rgb, mask, WHITE, head.face_width, (head.face_centre_x, head.eye_y), extend_top=40)
    out = fixed.rgb
    assert out.shape == (rgb.shape[0] + 40, rgb.shape[1], 3)
    assert (out[:40] == 255).all()  # the added room is the new colour
    assert (out[40:60, :20] == 255).all() and (out[-20:, -20:] == 255).all()  # so are the old backdrop's corners
    cx, ey = int(head.face_centre_x), int(head.eye_y)
    face = (slice(ey - 20, ey + 60), slice(cx - 40, cx + 40))
    assert np.array_equal(out[40:][face], rgb[face])  # the face itself is not repainted
    # blending the edge pixels as they are would leave a green rim; taking their colour from the person does not
    # (the photo has some green of its own inside the person, which stays)
    alpha = fixed.alpha[..., None]
    naive = np.clip(alpha * rgb + (1 - alpha) * np.asarray(WHITE, np.float32) + 0.5, 0, 255).astype(np.uint8)
    rim = ~inner_person(fixed.alpha, head.face_width)
    assert _green_pixels(naive[rim]) > 1000
    assert _green_pixels(out[40:][rim]) <= 0.1 * _green_pixels(naive[rim])


def test_regions_apart_from_the_face_are_cleared():
    mask = np.zeros((100, 200), np.float32)
    mask[20:90, 20:80] = 0.9  # the subject
    mask[10:40, 150:190] = 0.8  # a lamp the model took for a person
    mask[60:62, 100:102] = 0.3  # unsure pixels are left to the matte
    cleaned = subject_only(mask, (50.0, 40.0))
    assert (cleaned[20:90, 20:80] == 0.9).all() and (cleaned[10:40, 150:190] == 0).all()
    assert (cleaned[60:62, 100:102] == 0.3).all()


def _cut_above_hair(analyzer, studio, gap_px: int) -> np.ndarray:
    """Return the studio astronaut with the photo's top edge `gap_px` above her crown (negative: through the hair)."""
    rgb = studio("astronaut_closed", (235, 235, 235))
    top = int(analyzer.find_head(rgb).head.crown_y) - gap_px
    return np.ascontiguousarray(rgb[top:])


def test_replacement_rescues_a_photo_cut_close_above_the_hair(analyzer, studio, all_profiles):
    profile = all_profiles["chsi-graduation"]
    tight = _cut_above_hair(analyzer, studio, 6)
    with pytest.raises(PhotoError) as refused:
        make_picture(tight, profile, analyzer, "tight.jpg")
    assert refused.value.code == "too_close_to_top"
    picture = make_picture(tight, profile, analyzer, "tight.jpg", backdrop_colour(profile, None))
    assert picture.backdrop_replaced == "light-blue"
    corner = picture.rgb[:30, :30].reshape(-1, 3).mean(axis=0)
    assert np.abs(corner - np.asarray(profile.backgrounds[0].rgb)).max() <= 3
    assert picture.layout is not None


def test_replacement_does_not_invent_a_cut_head(analyzer, studio, all_profiles):
    profile = all_profiles["chsi-graduation"]
    with pytest.raises(PhotoError) as refused:
        make_picture(_cut_above_hair(analyzer, studio, -25), profile, analyzer, "cut.jpg",
                     backdrop_colour(profile, "white"))
    assert refused.value.code == "head_cut_off" and "cut.jpg" in str(refused.value.file)


def test_only_the_profiles_colours(all_profiles):
    profile = all_profiles["chsi-graduation"]
    assert backdrop_colour(profile, "white").rgb == (255, 255, 255)
    with pytest.raises(ValueError, match="light-blue, white"):
        backdrop_colour(profile, "purple")


def test_make_replace_backdrop_on_the_command_line(analyzer, studio, tmp_path, capsys):
    src = tmp_path / "tight.jpg"
    Image.fromarray(_cut_above_hair(analyzer, studio, 6)).save(src, quality=92)
    assert main(["make", "--replace-backdrop", "--backdrop", "purple", str(src)]) == 2
    assert "light-blue, white" in capsys.readouterr().err
    assert main(["make", "--backdrop", "white", str(src)]) == 2  # a colour alone does not repaint
    assert "--replace-backdrop" in capsys.readouterr().err
    out = tmp_path / "out.jpg"
    assert main(["make", "--replace-backdrop", str(src), "--backdrop", "white", "--json", "-o", str(out)]) == 0
    line = json.loads(capsys.readouterr().out.strip())
    assert line["ok"] and line["backdrop_replaced"] == "white"
    corner = np.asarray(Image.open(out).convert("RGB"))[:20, :20].reshape(-1, 3).mean(axis=0)
    assert corner.min() >= 250


def test_a_large_photo_is_shrunk_before_the_matting(analyzer, studio, all_profiles):
    from capture.picture import rebackdrop

    rgb = studio("astronaut_closed", (235, 235, 235))
    found = analyzer.find_head(rgb)
    limit = found.head.face_width / 2
    canvas, refound = rebackdrop(rgb, found, backdrop_colour(all_profiles["chsi-graduation"], None), analyzer,
                                 "big.jpg", max_face_width_px=limit)
    assert canvas.shape[1] == round(rgb.shape[1] / 2)
    assert canvas.shape[0] == round(rgb.shape[0] / 2) + int(np.ceil(found.head.head_height / 2))
    assert refound.head.face_width == pytest.approx(limit, rel=0.05)
