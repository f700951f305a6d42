"""Short sound cues at the kiosk: a tick each countdown second, a shutter at capture, a chime when a picture is saved.

Students do not read manuals and may look at the camera, not the screen: the tick says "hold still", the shutter
says "taken". The cues are synthesised here at start-up (no sound files to ship or lose); a school that wants its
own puts `tick.wav`, `shutter.wav` or `saved.wav` in `assets/sounds/` and those are used instead. Without an
audio device (a PC with no speakers, the test machines) the player stays silent and the kiosk runs on.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

log = logging.getLogger("idphoto.kiosk")

RATE = 44100  # samples per second
CUES = ("tick", "shutter", "saved")
SOUND_DIR = Path(__file__).resolve().parents[2] / "assets" / "sounds"


def _envelope(n: int, attack_s: float, release_s: float) -> np.ndarray:
    """Return a 0..1 gain curve of n samples: linear attack, flat, linear release (no clicks at the ends)."""
    env = np.ones(n, np.float32)
    a, r = max(1, int(attack_s * RATE)), max(1, int(release_s * RATE))
    env[:a] = np.linspace(0.0, 1.0, a, dtype=np.float32)[: n]
    env[-r:] = np.minimum(env[-r:], np.linspace(1.0, 0.0, r, dtype=np.float32)[-n:])
    return env


def _tone(freq_hz: float, seconds: float, volume: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE), dtype=np.float32) / RATE
    return volume * np.sin(2 * np.pi * freq_hz * t) * _envelope(len(t), 0.004, 0.03)


def synthesise(cue: str) -> np.ndarray:
    """Return the mono samples (float32, −1..1) of cue `cue` ("tick", "shutter" or "saved")."""
    if cue == "tick":
        return _tone(880.0, 0.09, 0.35)
    if cue == "shutter":  # two quick filtered-noise clicks, like a mechanical shutter
        rng = np.random.default_rng(7)
        click = rng.standard_normal(int(0.035 * RATE)).astype(np.float32)
        click = np.convolve(click, np.ones(6, np.float32) / 6, mode="same") * _envelope(len(click), 0.001, 0.02)
        gap = np.zeros(int(0.05 * RATE), np.float32)
        return 0.5 * np.concatenate([click, gap, 0.7 * click])
    if cue == "saved":  # a rising two-note chime
        return np.concatenate([_tone(660.0, 0.14, 0.3), _tone(990.0, 0.22, 0.3)])
    raise ValueError(f"unknown sound cue {cue!r} (known: {', '.join(CUES)})")


class SoundPlayer:
    """Plays the cues through pygame's mixer; silent when disabled or when there is no audio device."""

    def __init__(self, enabled: bool = True, sound_dir: Path = SOUND_DIR) -> None:
        self.enabled = enabled
        self.sound_dir = sound_dir
        self.played: list[str] = []  # every cue asked for, in order (what a test or a log can check)
        self._sounds: dict[str, object] = {}
        self._ready: bool | None = None  # None: not tried yet

    def _start(self) -> bool:
        if self._ready is not None:
            return self._ready
        self._ready = False
        if not self.enabled:
            return False
        try:
            import pygame

            pygame.mixer.init(frequency=RATE, size=-16, channels=2)
            for cue in CUES:
                custom = self.sound_dir / f"{cue}.wav"
                if custom.is_file():
                    self._sounds[cue] = pygame.mixer.Sound(str(custom))
                else:
                    pcm = (np.clip(synthesise(cue), -1.0, 1.0) * 32767).astype(np.int16)
                    self._sounds[cue] = pygame.mixer.Sound(buffer=np.repeat(pcm[:, None], 2, axis=1).tobytes())
            self._ready = True
        except Exception as exc:  # no audio device, no mixer, a bad custom file: the kiosk runs on silently
            log.warning("sound off: %s", type(exc).__name__)
            self._sounds.clear()
            try:
                import pygame

                pygame.mixer.quit()
            except Exception:  # pragma: no cover - nothing more to undo
                pass
        return self._ready

    @property
    def is_on(self) -> bool:
        """Return True when the cues play through an audio device (False when off, silent, or not started yet)."""
        return self._ready is True

    def cue_length_s(self, cue: str) -> float | None:
        """Return how long cue `cue` plays, seconds, or None while the player is silent."""
        sound = self._sounds.get(cue) if self.is_on else None
        return None if sound is None else float(sound.get_length())  # type: ignore[attr-defined]

    def prepare(self) -> bool:
        """Open the audio device and build the cues now (not at the first countdown); return True when sound is on."""
        return self._start()

    def play(self, cue: str) -> None:
        """Play cue `cue` now (asynchronously); record it in `played` even when silent."""
        if cue not in CUES:
            raise ValueError(f"unknown sound cue {cue!r}")
        self.played.append(cue)
        if self._start():
            self._sounds[cue].play()  # type: ignore[attr-defined]

    def close(self) -> None:
        if self._ready:
            try:
                import pygame

                pygame.mixer.quit()
            except Exception:  # pragma: no cover - shutting down anyway
                pass
        self._ready = None
