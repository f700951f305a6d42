"""Build capture/camera/demo/astronaut-studio.jpg (package data of capture.camera): skimage's public-domain astronaut photo (NASA, Eileen Collins)
cut out with MediaPipe person segmentation and placed on a plain studio backdrop with room around the head.
Her broad smile is closed (lips brought together by a small warp) so the demo subject can pass every gate.

Run once from the repo root (needs the test extras): .venv/bin/python scripts/make_demo_assets.py
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image
from skimage import data

from capture.backdrop import place_on_backdrop
from capture.faces.landmarks import FaceMeshDetector, PersonSegmenter
from capture.synth import close_mouth

CANVAS_WH = (1280, 1080)
BACKDROP_RGB = (236, 240, 244)  # a light studio grey
SCALE = 1.8


def main() -> None:
    person = data.astronaut()
    with FaceMeshDetector(static=True) as mesh:
        person = close_mouth(person, mesh.process(person)[0])
    segmenter = PersonSegmenter()
    mask = segmenter.process(person)
    segmenter.close()
    frame = place_on_backdrop(person, mask, CANVAS_WH, BACKDROP_RGB, SCALE)
    out = Path(__file__).resolve().parents[1] / "capture" / "camera" / "demo" / "astronaut-studio.jpg"
    out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(frame).save(out, quality=90)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
