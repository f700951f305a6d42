"""Frame → picture: find the head, plan the crop, resize, encode inside the KB window, verify, write atomically."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
from PIL import Image

from capture.analyzer import FoundHead, StillAnalyzer
from capture.compose import CropBox, PlannedLayout, layout_of, plan_crop
from capture.encode import EncodedPicture, encode_to_window
from capture.errors import Codes, PhotoError, error_name, refusal_code
from capture.gates import SUBJECT_GATES, GateResult, evaluate
from capture.files import write_atomic
from capture.filespec import check_file_spec
from capture.images import read_photo
from capture.kbwindow import kb_window
from capture.rebackdrop import replace_backdrop
from profiles.model import Background, Profile

#: the gates `make` holds a photo to before making its picture: the person, colour, backdrop and focus. The framing
#: gates (in_frame, distance) judge where a live frame's head is, which the crop decides here.
MAKE_GATES: tuple[str, ...] = (*SUBJECT_GATES, "colour", "background", "sharpness")
#: measures a photo: (rgb, file) -> (FaceContext or None without a face, Measurements); capture.check.StillChecker
Measure = Callable[[np.ndarray, str], tuple]


@dataclass(frozen=True)
class Picture:
    """A spec-compliant picture in memory: the JPEG bytes and how they were made."""

    data: bytes
    rgb: np.ndarray  # the resized picture before encoding, H×W×3 uint8
    profile_id: str
    crop: CropBox
    layout: PlannedLayout  # where the head was planned to land, output px
    encoded: EncodedPicture
    found: FoundHead
    #: the name of the profile colour the backdrop was replaced with (换底), or None when the photo's own was kept
    backdrop_replaced: str | None = None

    @property
    def size_kb(self) -> float:
        """Return the file size in KiB (1024 bytes)."""
        return len(self.data) / 1024


def render_crop(rgb: np.ndarray, crop: CropBox) -> np.ndarray:
    """Return the crop of `rgb` resized to the output size with a Lanczos filter (H×W×3 uint8)."""
    image = Image.fromarray(rgb)
    out = image.resize((crop.out_width, crop.out_height), Image.Resampling.LANCZOS, box=crop.as_box(), reducing_gap=3.0)
    return np.asarray(out.convert("RGB"))


def backdrop_colour(profile: Profile, name: str | None) -> Background:
    """Return the profile's allowed backdrop called `name` (None or "": the first), or raise ValueError."""
    if not name:
        return profile.backgrounds[0]
    for background in profile.backgrounds:
        if background.name == name:
            return background
    names = ", ".join(b.name for b in profile.backgrounds)
    raise ValueError(f"{profile.id} allows the backdrop colours {names}, not {name!r}")


def rebackdrop(rgb: np.ndarray, found: FoundHead, colour: Background, analyzer: StillAnalyzer,
               file: str = "<image>", max_face_width_px: float | None = None) -> tuple[np.ndarray, FoundHead]:
    """Return (`rgb` on a plain `colour` backdrop with one head height of it added above, the head found there).

    A photo whose face is wider than `max_face_width_px` is first shrunk to that (a 16-megapixel phone photo would
    otherwise cost seconds and gigabytes in the matting filters for detail the picture cannot show).
    Raises PhotoError("head_cut_off") when the top edge cuts the head: hair cannot be invented.
    """
    if found.head.head_cut_off:
        raise PhotoError(file, "head_cut_off")
    head = found.head
    scale = 1.0
    if max_face_width_px is not None and head.face_width > max_face_width_px:
        scale = max_face_width_px / head.face_width
        h, w = rgb.shape[:2]
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        rgb = np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0))
    room = int(np.ceil(head.head_height * scale))
    fixed = replace_backdrop(rgb, analyzer.person_mask(rgb), colour.rgb, head.face_width * scale,
                             (head.face_centre_x * scale, head.eye_y * scale), extend_top=room)
    return fixed.rgb, analyzer.find_head(fixed.rgb, file)


def refusing_gate(gates: Mapping[str, GateResult], replacing_backdrop: bool) -> GateResult | None:
    """Return the first gate of MAKE_GATES (priority order) that fails and blocks, or None; the backdrop's colour
    does not count when it is being replaced."""
    for name, result in gates.items():
        if name in MAKE_GATES and result.blocks and not (replacing_backdrop and name == "background"):
            return result
    return None


def judge_photo(rgb: np.ndarray, profile: Profile, measure: Measure, analyzer: StillAnalyzer, file: str = "<image>",
                replacing_backdrop: bool = False) -> FoundHead:
    """Return the subject's FoundHead when no gate of MAKE_GATES blocks; raise PhotoError("no_face") without a face,
    or PhotoError(refusal_code(hint)) naming the first blocking gate's hint."""
    ctx, m = measure(rgb, file)
    if ctx is None:
        raise PhotoError(file, "no_face")
    failed = refusing_gate(evaluate(m, profile, analyzer.settings), replacing_backdrop)
    if failed is not None:
        raise PhotoError(file, refusal_code(failed.hint))
    return FoundHead(ctx.face, ctx.head, 1 + len(ctx.other_faces))


def make_picture(rgb: np.ndarray, profile: Profile, analyzer: StillAnalyzer, file: str = "<image>",
                 new_backdrop: Background | None = None, found: FoundHead | None = None) -> Picture:
    """Return the Picture for frame `rgb` under `profile`; raise PhotoError with the reason when it cannot be made.

    With `new_backdrop` (one of the profile's colours) the photo's backdrop is replaced first and room is added
    above the head, for photos brought in with the wrong backdrop or cut close above the hair. `found` is the head
    when the caller has found it already (judge_photo).
    """
    found = found if found is not None else analyzer.find_head(rgb, file)
    if new_backdrop is not None:
        limit = analyzer.settings.rebackdrop_face_width_per_picture_width * profile.width_px
        rgb, found = rebackdrop(rgb, found, new_backdrop, analyzer, file, limit)
    h, w = rgb.shape[:2]
    crop = plan_crop(found.head, profile, w, h, analyzer.settings.max_upscale, file)
    out = render_crop(rgb, crop)
    window = kb_window(profile)
    try:
        encoded = encode_to_window(out, dpi=profile.dpi, window=window, quality_min=profile.quality_min)
    except PhotoError as exc:
        raise exc.with_file(file) from None
    problems = check_file_spec(encoded.data, profile).problems
    if problems:
        raise PhotoError(file, "verify_failed", problems=Codes(problems))
    return Picture(encoded.data, out, profile.id, crop, layout_of(found.head, crop), encoded, found,
                   new_backdrop.name if new_backdrop is not None else None)


def make_file(src: str | Path, dst: str | Path, profile: Profile, analyzer: StillAnalyzer,
              new_backdrop: Background | None = None, measure: Measure | None = None) -> Picture:
    """Read photo `src`, make its picture under `profile` (on `new_backdrop` when given), write it atomically to
    `dst` (mode 0600); return it. With `measure` the photo is first held to the profile's blocking gates of
    MAKE_GATES (judge_photo) and refused with the reason; without it the photo is only cropped and encoded."""
    # transparency: the photo's own backdrop next to it; the new colour when the backdrop is replaced anyway
    matte = (new_backdrop or profile.backgrounds[0]).rgb
    photo = read_photo(src, matte_rgb=matte, max_pixels=analyzer.settings.max_input_pixels,
                       own_backdrop=new_backdrop is None)
    found = None
    if measure is not None:
        found = judge_photo(photo.rgb, profile, measure, analyzer, str(src), new_backdrop is not None)
    picture = make_picture(photo.rgb, profile, analyzer, str(src), new_backdrop, found)
    dst = Path(dst)
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(dst, picture.data)
    except OSError as exc:
        raise PhotoError(dst, "write_failed", error=error_name(exc)) from None
    return picture
