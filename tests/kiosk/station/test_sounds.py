"""Sound cues: synthesised, replaceable by a school's own files, silent without an audio device or when off."""
from __future__ import annotations

import wave

import numpy as np
import pytest

from kiosk.station.sounds import CUES, RATE, SoundPlayer, synthesise


@pytest.mark.parametrize("cue", CUES)
def test_cues_are_short_audible_and_start_and_end_quietly(cue):
    samples = synthesise(cue)
    assert samples.dtype == np.float32 and 0.05 * RATE < len(samples) < 0.5 * RATE
    assert 0.2 < np.abs(samples).max() <= 1.0
    assert abs(samples[0]) < 0.05 and abs(samples[-1]) < 0.05  # no click at either end


def test_unknown_cue_is_refused():
    with pytest.raises(ValueError, match="unknown sound cue"):
        synthesise("fanfare")
    with pytest.raises(ValueError):
        SoundPlayer(enabled=False).play("fanfare")


def test_switched_off_plays_nothing_but_keeps_the_record():
    player = SoundPlayer(enabled=False)
    player.play("tick")
    assert player.played == ["tick"] and not player.is_on and player.cue_length_s("tick") is None


def test_a_schools_own_sound_file_is_used(tmp_path):
    custom = tmp_path / "tick.wav"
    with wave.open(str(custom), "wb") as w:  # a 0.5 s tone instead of the 0.09 s built-in tick
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.sin(np.arange(RATE // 2) / 10) * 8000).astype(np.int16).tobytes())
    player = SoundPlayer(sound_dir=tmp_path)
    try:
        player.play("tick")
        player.play("saved")
        if not player.is_on:
            pytest.skip("no audio driver here, not even SDL's dummy one")
        assert player.cue_length_s("tick") == pytest.approx(0.5, abs=0.02)
        assert player.cue_length_s("saved") == pytest.approx(len(synthesise("saved")) / RATE, abs=0.02)
    finally:
        player.close()


def test_a_broken_sound_file_leaves_the_kiosk_silent_not_stopped(tmp_path):
    (tmp_path / "shutter.wav").write_bytes(b"not a wav")
    player = SoundPlayer(sound_dir=tmp_path)
    player.play("shutter")  # must not raise
    assert player.played == ["shutter"] and not player.is_on and player.cue_length_s("shutter") is None
    player.close()
