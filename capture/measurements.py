"""All measurements of one frame in one dataclass: frame → measurements is the first step of the data flow.

`measure_context` runs every measurement family on a FaceContext; each family lives in capture/measures/.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from capture.faces.head import HeadGeometry
from capture.measures.background import BackgroundMeasure, measure_background
from capture.measures.chroma import ChromaMeasure, measure_chroma
from capture.measures.context import FaceContext
from capture.measures.covering import CoveringMeasure, measure_head_covering
from capture.measures.ears import EarsMeasure, SkinModel, jaw_smooth_max, measure_ears, skin_model
from capture.measures.eyes import EyesMeasure, measure_eyes
from capture.measures.geometry import FramingMeasure, measure_framing
from capture.measures.light import LightMeasure, measure_light
from capture.measures.mouth import MouthMeasure, measure_mouth
from capture.measures.pose import PoseMeasure, measure_pose
from capture.measures.sharpness import SharpnessMeasure, measure_sharpness
from capture.measures.shoulders import ShouldersMeasure, measure_shoulders
from capture.settings import ENGINE, EngineSettings


@dataclass(frozen=True)
class Measurements:
    """Everything measured on one frame; a family is None when it was not measured (e.g. no face)."""

    frame_width: int
    frame_height: int
    head: HeadGeometry | None = None
    framing: FramingMeasure | None = None
    pose: PoseMeasure | None = None
    eyes: EyesMeasure | None = None
    mouth: MouthMeasure | None = None
    light: LightMeasure | None = None
    sharpness: SharpnessMeasure | None = None
    background: BackgroundMeasure | None = None
    ears: EarsMeasure | None = None
    shoulders: ShouldersMeasure | None = None
    covering: CoveringMeasure | None = None
    chroma: ChromaMeasure | None = None

    @property
    def head_height_px(self) -> float | None:
        """Return crown-to-chin height in frame px, or None without a face."""
        return self.head.head_height if self.head else None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready nested dict (floats rounded to 4 decimals)."""
        return _jsonable(dataclasses.asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return round(f, 4) if np.isfinite(f) else None
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    return value


def _untimed(stage: str, fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


@dataclass(frozen=True)
class FaceReadings:
    """The families of a frame that read only the subject's landmarks and the frame's pixels (neither the head
    geometry nor the person mask), and the skin model learned from the cheeks."""

    skin: SkinModel
    pose: PoseMeasure
    eyes: EyesMeasure
    mouth: MouthMeasure
    light: LightMeasure
    sharpness: SharpnessMeasure
    chroma: ChromaMeasure
    jaw_smooth_max: float  # the ear measure's smooth-skin limit, from the cheeks (ears.jaw_smooth_max)


def measure_face(ctx: FaceContext, settings: EngineSettings = ENGINE,
                 timed: Callable[..., Any] = _untimed) -> FaceReadings:
    """Return the FaceReadings of `ctx`: `ctx.head` and `ctx.person_mask` are not read, so the live analyser takes
    them while the person mask is still being made (`timed` as for measure_context)."""
    pose = timed("pose", measure_pose, ctx.face, settings)
    eyes = timed("eyes", measure_eyes, ctx)
    mouth = timed("mouth", measure_mouth, ctx)
    light = timed("light", measure_light, ctx)
    sharpness = timed("sharpness", measure_sharpness, ctx)
    chroma = timed("chroma", measure_chroma, ctx)
    skin = timed("skin_model", skin_model, ctx)  # learned once, read by the ear and head-covering measures
    smooth = timed("ears", jaw_smooth_max, ctx)
    return FaceReadings(skin, pose, eyes, mouth, light, sharpness, chroma, smooth)


def measure_context(ctx: FaceContext, body_pose: Any = None, settings: EngineSettings = ENGINE,
                    timed: Callable[..., Any] = _untimed, shoulders: ShouldersMeasure | None = None,
                    readings: FaceReadings | None = None) -> Measurements:
    """Return all Measurements of `ctx`; `body_pose` is the pose model's result (shoulders) or None.

    `timed(stage, fn, *args)` runs each family (the live analyser passes one that records the time per stage).
    `shoulders`: the shoulders already measured on `ctx` (the live analyser reads them from the mask alone first),
    used as they are instead of measuring them with `body_pose`. `readings`: the FaceReadings of `ctx` when already
    taken (`measure_face`), else they are taken here.
    """
    face = readings if readings is not None else measure_face(ctx, settings, timed)
    return Measurements(
        frame_width=ctx.width,
        frame_height=ctx.height,
        head=ctx.head,
        framing=timed("framing", measure_framing, ctx, settings),
        pose=face.pose,
        eyes=face.eyes,
        mouth=face.mouth,
        light=face.light,
        sharpness=face.sharpness,
        background=timed("background", measure_background, ctx),
        ears=timed("ears", measure_ears, ctx, face.skin, face.jaw_smooth_max, face.pose.yaw_deg),
        shoulders=shoulders if shoulders is not None else timed("shoulders", measure_shoulders, ctx, body_pose),
        covering=timed("covering", measure_head_covering, ctx, face.skin),
        chroma=face.chroma,
    )
