"""Checking a photo file: the gates on the subject and, separately, whether the file itself meets the profile."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from capture.analyzer import StillAnalyzer
from capture.compose import BandMargins, band_margins, measured_layout, smallest_photo_px
from capture.filespec import SpecRule, check_file_spec
from capture.errors import PhotoError, error_name
from capture.gates import GateResult, blocking_ok, evaluate
from capture.images import decode_photo_bytes
from capture.faces.landmarks import PoseDetector
from capture.measurements import Measurements, measure_context
from capture.measures.context import FaceContext
from capture.measures.background import match_backdrop
from capture.measures.shoulders import shoulders_can_show
from profiles.model import Band, Profile


@dataclass
class CheckResult:
    """The verdict on one photo file."""

    file: str
    profile: str
    error: PhotoError | None = None  # why the file could not be checked: a code and fields (kiosk.texts words it)
    code: str | None = None
    gates: dict[str, GateResult] = field(default_factory=dict)
    file_spec: dict[str, SpecRule] = field(default_factory=dict)  # the listed rules of capture.filespec, then more
    measurements: Measurements | None = None
    rgb: np.ndarray | None = None  # the decoded photo (for reports); not serialised
    landmarks: np.ndarray | None = None  # the subject's (478, 3) FaceMesh points, px (for reports); not serialised
    #: how far inside its bands the head sits (output px), for a photo of the profile's exact size; else None
    margins: BandMargins | None = None

    @property
    def gates_ok(self) -> bool:
        """Return True when no gate blocks (advisory gates may fail: they are warnings)."""
        return bool(self.gates) and blocking_ok(self.gates)

    @property
    def file_spec_ok(self) -> bool:
        """Return True when every file-level item passed."""
        return bool(self.file_spec) and all(i.ok for i in self.file_spec.values())

    @property
    def ok(self) -> bool:
        """Return True when the file was read, no gate blocks and every file-level item passed."""
        return self.error is None and self.gates_ok and self.file_spec_ok

    def to_dict(self, word: Callable[[PhotoError], str] = lambda err: err.code) -> dict:
        """Return the JSON line object of `idphoto check --json`; `word` turns `error` into its sentence (the
        command layer passes kiosk.texts.error_text; capture itself gives only the code)."""
        spec = {name: item.to_dict() for name, item in self.file_spec.items()}
        return {
            "file": self.file,
            "ok": self.ok,
            "error": word(self.error) if self.error is not None else None,
            "profile": self.profile,
            "gates": {name: g.to_dict() for name, g in self.gates.items()},
            "file_spec": {"ok": self.file_spec_ok, **spec},
            "measurements": self.measurements.to_dict() if self.measurements else None,
            **(self.margins.to_dict() if self.margins is not None else {"band_margin_px": None, "band_margins_px": {}}),
        }


def _band_item(name: str, value: float, band: Band | None) -> SpecRule | None:
    if band is None:
        return None
    return SpecRule(name, round(value, 1), [band.lo, band.hi], band.contains(value))


def _background_item(m: Measurements, profile: Profile) -> SpecRule:
    """Return the rule "the backdrop is one of the profile's colours": the colour it is judged against, its ΔE2000,
    that colour's tolerance and how the backdrop is off ("too_dark", ...; capture.measures.background)."""
    match = match_backdrop(m.background.mean_lab, [b.rgb for b in profile.backgrounds],
                           [profile.background_tolerance(b) for b in profile.backgrounds])
    value = {"nearest": profile.backgrounds[match.index].name, "delta_e": round(match.delta_e, 2),
             "delta_e_max": match.tolerance, "off": None if match.ok else match.offset.word}
    return SpecRule("background_colour", value, [b.name for b in profile.backgrounds], match.ok)


def picture_margins(m: Measurements | None, rgb: np.ndarray, profile: Profile) -> BandMargins | None:
    """Return the BandMargins of the head in a picture `rgb` of the profile's exact size, else None."""
    h, w = rgb.shape[:2]
    if m is None or m.head is None or (w, h) != (profile.width_px, profile.height_px):
        return None
    return band_margins(measured_layout(m.head, w, h), profile)


def file_spec(data: bytes, rgb: np.ndarray, profile: Profile, m: Measurements | None) -> dict[str, SpecRule]:
    """Return {name: rule}: the file-level rules of capture.filespec (the listed ones, then any other that failed),
    then the backdrop colour and the head's place in the picture measured on the decoded image `rgb`."""
    items = check_file_spec(data, profile).listed()
    h, w = rgb.shape[:2]
    if m is not None and m.background is not None and m.background.coverage > 0:
        items["background_colour"] = _background_item(m, profile)
    if m is not None and m.head is not None and (w, h) == (profile.width_px, profile.height_px):
        lay = measured_layout(m.head, w, h)
        comp = profile.composition
        for name, value, band in (("hair_top_px", lay.hair_top, comp.hair_top), ("eye_line_px", lay.eye_line, comp.eye_line),
                                  ("face_width_px", lay.face_width, comp.face_width),
                                  ("head_height_px", lay.head_height, comp.head_height)):
            item = _band_item(name, value, band)
            if item is not None:
                items[name] = item
    return items


def too_small(path: str | Path, width: int, height: int, profile: Profile, max_scale: float) -> PhotoError | None:
    """Return the "resolution_too_low" error for a `width`×`height` px photo with fewer pixels than `profile`'s
    picture needs when it may be enlarged at most `max_scale`× (compose.smallest_photo_px), else None."""
    min_w, min_h = smallest_photo_px(profile, max_scale)
    if width >= min_w and height >= min_h:
        return None
    return PhotoError(path, "resolution_too_low", width=width, height=height, min_width=min_w, min_height=min_h,
                      out_width=profile.width_px, out_height=profile.height_px, max_scale=max_scale)
def measure_picture_margins(data: bytes, profile: Profile, analyzer: StillAnalyzer) -> BandMargins | None:
    """Return the BandMargins of the head in the picture file `data` (found again on the decoded picture, as an
    independent reviewer would), or None when it cannot be decoded, has no single face or is not the profile's size.
    """
    try:
        rgb = decode_photo_bytes(data, "<picture>").rgb
        head = analyzer.find_head(rgb).head
    except PhotoError:
        return None
    h, w = rgb.shape[:2]
    if (w, h) != (profile.width_px, profile.height_px):
        return None
    return band_margins(measured_layout(head, w, h), profile)


class StillChecker:
    """Loads the face, segmentation and body-pose models once; checks photos one by one.

    The body-pose model (the slowest, ~35 ms) runs on its own thread while the face and segmentation models run
    on the caller's: MediaPipe releases the GIL while a model runs, so on two cores a photo takes about the
    longer of the two instead of their sum. Each model is only ever used from one thread.
    """

    def __init__(self) -> None:
        self.analyzer = StillAnalyzer()
        self.body = PoseDetector(static=True)
        self._body_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="body-pose")

    def close(self) -> None:
        """Stop the body-pose thread and release the models."""
        self._body_thread.shutdown(wait=True)
        self.analyzer.close()
        self.body.close()

    def __enter__(self) -> "StillChecker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def measure(self, rgb: np.ndarray, file: str = "<image>") -> tuple[FaceContext | None, Measurements]:
        """Return (context, Measurements) of a frame; (None, frame size only) when there is no face."""
        settings = self.analyzer.settings
        faces = self.analyzer.faces(rgb)
        if not faces:
            return None, Measurements(frame_width=rgb.shape[1], frame_height=rgb.shape[0])
        body = self._body_thread.submit(self.body.process, rgb) if shoulders_can_show(faces[0], settings) else None
        try:
            ctx = self.analyzer.context(rgb, file, faces)
        finally:
            pose = body.result() if body is not None else None  # never leave the model running behind us
        return ctx, measure_context(ctx, pose, settings)

    def too_small(self, path: str | Path, rgb: np.ndarray, profile: Profile) -> PhotoError | None:
        """Return the "resolution_too_low" error when photo `rgb` is too small for `profile` (see too_small)."""
        return too_small(path, rgb.shape[1], rgb.shape[0], profile, self.analyzer.settings.max_upscale)

    def check_file(self, path: str | Path, profile: Profile, keep_image: bool = False,
                   refuse_too_small: bool = False) -> CheckResult:
        """Return the CheckResult of the photo at `path` under `profile`; unreadable files give `error`, and so,
        with `refuse_too_small`, does a photo too small to make the profile's picture from ("resolution_too_low",
        before any gate is judged: its gates would only blame the size in other words)."""
        result = CheckResult(file=str(path), profile=profile.id)
        try:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise PhotoError(path, "unreadable", error=error_name(exc)) from None
            photo = decode_photo_bytes(data, str(path), max_pixels=self.analyzer.settings.max_input_pixels)
            small = self.too_small(path, photo.rgb, profile) if refuse_too_small else None
            if small is not None:
                raise small
        except PhotoError as exc:
            result.error, result.code = exc, exc.code
            return result
        return self.judge(result, data, photo.rgb, profile, keep_image)

    def check_picture(self, data: bytes, profile: Profile, file: str = "<picture>") -> CheckResult:
        """Return the CheckResult of picture bytes `data` (a JPEG just made, never written yet) under `profile`:
        the same gates and file rules as `check_file` (the station judges the picture it is about to file)."""
        result = CheckResult(file=file, profile=profile.id)
        try:
            photo = decode_photo_bytes(data, file, max_pixels=self.analyzer.settings.max_input_pixels)
        except PhotoError as exc:
            result.error, result.code = exc, exc.code
            return result
        return self.judge(result, data, photo.rgb, profile)

    def judge(self, result: CheckResult, data: bytes, rgb: np.ndarray, profile: Profile,
              keep_image: bool = False) -> CheckResult:
        """Return `result` filled with the gates, file rules and margins of the decoded photo `rgb` (file `data`)."""
        ctx, m = self.measure(rgb, result.file)
        result.measurements = m
        result.gates = evaluate(m, profile, self.analyzer.settings)
        result.file_spec = file_spec(data, rgb, profile, m)
        result.margins = picture_margins(m, rgb, profile)
        if keep_image:
            result.rgb = rgb
            result.landmarks = ctx.face.points if ctx is not None else None
        return result
