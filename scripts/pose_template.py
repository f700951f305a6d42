"""Build capture/measures/pose_template.py: the level head template the pitch measure fits to each face.

Run from the repo root (needs the face development set, which is not in this repository):
    .venv/bin/python scripts/pose_template.py ../shared/faces [OUT]
1. FaceMesh points of the studio portraits (files `frl_london__*`: level, frontal, neutral faces), each centred and
   scaled to unit RMS radius; 2. their mean after aligning every face to it (generalised Procrustes, 5 rounds);
3. the template turned about the ear-to-ear axis so that rows with ground-truth angles within 20° of frontal read,
   in the median, the pitch their ground truth gives (AFLW2000-3D's level = 0).
"""
from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np

from capture.analyzer import StillAnalyzer
from capture.faces.parts import MESH_POINTS
from capture.images import read_photo
from capture.measures import pose_template
from capture.measures.pose import pitch_from_rotation, rigid_rotation

PORTRAITS = "frl_london__"


def _unit(p: np.ndarray) -> np.ndarray:
    """Return N×3 points centred and scaled to unit RMS radius."""
    c = p - p.mean(axis=0)
    return c / math.sqrt(float((c ** 2).sum(axis=1).mean()))


def _mean_shape(shapes: list[np.ndarray], rounds: int = 5) -> np.ndarray:
    """Return the generalised Procrustes mean of unit-scaled N×3 shapes."""
    mean = np.mean(shapes, axis=0)
    for _ in range(rounds):
        mean = _unit(np.mean([s @ rigid_rotation(mean, s) for s in shapes], axis=0))
    return mean


def _median_error(template: np.ndarray, truth: list[tuple[np.ndarray, float]]) -> float:
    """Return the median of measured − true pitch (degrees) over (points, true pitch) with `template`."""
    rigid = pose_template.rigid_points(template)
    return float(np.median([pitch_from_rotation(rigid_rotation(template[rigid], p[rigid])) - t for p, t in truth]))


def _turned(template: np.ndarray, deg: float) -> np.ndarray:
    """Return `template` rotated about the x axis by `deg` degrees."""
    a = math.radians(deg)
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    return template @ rx.T


def main(folder: Path, out: Path) -> None:
    """Write the template module built from the development set in `folder` to `out`."""
    with open(folder / "manifest.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    shapes, truth = [], []
    with StillAnalyzer() as analyzer:
        for row in rows:
            angles = [row.get(k) for k in ("yaw_deg", "pitch_deg", "roll_deg")]
            known = all(angles) and max(abs(float(a)) for a in angles) <= 20
            if not (row["file"].startswith(PORTRAITS) or known):
                continue
            faces = analyzer.faces(read_photo(folder / row["file"]).rgb)
            if not faces:
                continue
            points = faces[0].points[:MESH_POINTS].astype(np.float64)
            if row["file"].startswith(PORTRAITS):
                shapes.append(_unit(points))
            if known:
                truth.append((points, float(angles[1])))
    template = _mean_shape(shapes)
    for _ in range(3):  # the reading moves one for one with the template's turn (the sign is found, not assumed)
        err = _median_error(template, truth)
        step = _median_error(_turned(template, 1.0), truth) - err
        template = _turned(template, -err / step)
    print(f"{len(shapes)} portraits, {len(truth)} rows with angles; median error now "
          f"{_median_error(template, truth):+.3f}°", file=sys.stderr)
    out.write_text(pose_template.render(template), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) > 2 else "capture/measures/pose_template.py"))
