"""measurements.measure_face takes the families that need neither the head geometry nor the person mask (the live
analyser takes them while the mask is being made): the same values as the one-pass measurement."""
from __future__ import annotations

from dataclasses import replace

import pytest

from capture.measurements import measure_context, measure_face
from capture.measures.ears import jaw_smooth_max, measure_ears, skin_model
from capture.measures.pose import yaw_deg


@pytest.fixture(scope="module")
def ctx(analyzer, studio):
    return analyzer.context(studio("grace", (200, 200, 200)))


def test_face_readings_ignore_the_head_geometry_and_the_mask(ctx):
    from capture.live import _NO_HEAD_YET  # the live analyser's stand-in: NaN everywhere

    bare = replace(ctx, person_mask=None, head=replace(ctx.head, crown_y=0.0, chin_y=1.0, face_width=2.0))
    assert repr(measure_face(bare)) == repr(measure_face(ctx))
    assert repr(measure_face(replace(ctx, person_mask=None, head=_NO_HEAD_YET))) == repr(measure_face(ctx))


def test_readings_taken_first_give_the_one_pass_measurements(ctx):
    assert repr(measure_context(ctx, None, readings=measure_face(ctx))) == repr(measure_context(ctx, None))


def test_the_ear_measure_given_its_cheek_limit_and_yaw_reads_as_alone(ctx):
    skin = skin_model(ctx)
    given = measure_ears(ctx, skin, jaw_smooth_max(ctx), yaw_deg(ctx.face))
    assert given == measure_ears(ctx, skin) == measure_ears(ctx)
    assert given.min_visible_ratio != measure_ears(ctx, skin, 0.0, 40.0).min_visible_ratio  # both are read
