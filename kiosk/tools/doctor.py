"""`idphoto doctor`: a self-test for IT staff setting up a station, one line per check with what to do about it.

Checks what a kiosk needs on a plain PC with no internet: the pinned packages (one OpenCV, numpy 1.x, the mediapipe
release that bundles every model), every model loading and running offline on the demo photo, the demo camera,
webcams, the screen, sound, a Chinese font, the store folder (writable, private: the folder and every folder
(0700) and file (0600) inside it, free space) and the profiles.
Nothing here changes the machine except a small test file written to and removed from the store folder.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

OK, WARN, FAIL = "ok", "warn", "fail"
#: free space below this in the store folder is a warning (a picture is ~40 KB; logs and exports need room too)
LOW_DISK_MB = 1024


@dataclass(frozen=True)
class Finding:
    """One check's outcome: status ok/warn/fail, what was found, and what to do when it is not ok."""

    check: str
    status: str
    found: str
    fix: str = ""

    def to_dict(self) -> dict:
        return {"check": self.check, "status": self.status, "found": self.found, "fix": self.fix}


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def check_packages() -> list[Finding]:
    """Return findings on the pinned packages: mediapipe 0.10.21, numpy < 2, exactly one OpenCV wheel."""
    out = []
    mp = _version("mediapipe")
    out.append(Finding("mediapipe", OK if mp == "0.10.21" else FAIL, f"mediapipe {mp or 'missing'}",
                       "" if mp == "0.10.21" else "Reinstall with `make` (the project pins mediapipe==0.10.21, "
                                                  "the last release that bundles every model)."))
    np_v = _version("numpy") or "missing"
    ok = np_v != "missing" and int(np_v.split(".")[0]) < 2
    out.append(Finding("numpy", OK if ok else FAIL, f"numpy {np_v}",
                       "" if ok else "mediapipe 0.10.21 needs numpy<2: `pip install 'numpy<2'` in the venv."))
    wheels = [n for n in ("opencv-python", "opencv-contrib-python", "opencv-python-headless",
                          "opencv-contrib-python-headless") if _version(n)]
    ok = wheels == ["opencv-contrib-python"]
    out.append(Finding("opencv", OK if ok else FAIL, ", ".join(f"{w} {_version(w)}" for w in wheels) or "missing",
                       "" if ok else "Keep only opencv-contrib-python (mediapipe's): `pip uninstall opencv-python "
                                     "opencv-python-headless` then `pip install --force-reinstall "
                                     "opencv-contrib-python` in the venv."))
    return out


def check_models() -> list[Finding]:
    """Return one finding per MediaPipe model: loads offline and finds the demo subject (with the time taken)."""
    from capture.camera import find_demo_still
    from capture.images import read_photo
    from capture.faces.landmarks import FaceDetector, FaceMeshDetector, PersonSegmenter, PoseDetector

    try:
        rgb = read_photo(find_demo_still()).rgb
    except Exception as exc:  # the demo photo is part of the install
        return [Finding("demo photo", FAIL, f"cannot be read ({type(exc).__name__})",
                        "The install is incomplete (capture/camera/demo/ is missing): reinstall with `make` "
                        "or `pip install .`.")]
    out = [Finding("demo photo", OK, str(find_demo_still()))]
    trials: list[tuple[str, Callable[[], object], Callable[[object], bool]]] = [
        ("face landmarks", lambda: FaceMeshDetector(static=True), lambda r: len(r) == 1),
        ("face detection", lambda: FaceDetector(), lambda r: len(r) >= 1),
        ("person segmentation", lambda: PersonSegmenter(), lambda r: float(r.mean()) > 0.05),
        ("body pose", lambda: PoseDetector(static=True), lambda r: r is not None),
    ]
    for name, make, good in trials:
        t0 = time.perf_counter()
        try:
            model = make()
            try:
                result = model.process(rgb)  # type: ignore[attr-defined]
            finally:
                model.close()  # type: ignore[attr-defined]
        except Exception as exc:
            out.append(Finding(name, FAIL, f"does not run ({type(exc).__name__}: {exc})",
                               "Reinstall with `make`; the models ship inside the mediapipe wheel (no download)."))
            continue
        ms = (time.perf_counter() - t0) * 1000
        out.append(Finding(name, OK if good(result) else FAIL, f"{ms:.0f} ms on the demo photo",
                           "" if good(result) else "The model ran but found nothing on the demo photo: reinstall."))
    return out


def _asked_camera_size() -> tuple[int, int]:
    """Return the frame size the kiosk asks of a webcam by default (its `camera_size` setting), px."""
    from kiosk.station.settings import built_in, parse_size

    return parse_size(built_in("camera_size"))


def check_camera_fit(frame_size: tuple[int, int], asked: tuple[int, int]) -> list[Finding]:
    """Return the negotiated camera mode (asked → given) and, per shipped profile, whether frames of `frame_size`
    can make its picture as taken and with a new backdrop (换底) (capture/camera_fit.py), with the numbers."""
    from capture.camera_fit import camera_fit
    from profiles import load_profiles

    w, h = frame_size
    out = [Finding("camera mode", OK, f"asked {asked[0]}x{asked[1]}, got {w}x{h}")]
    for profile in load_profiles().values():
        plain, replaced = camera_fit(w, h, profile), camera_fit(w, h, profile, replace_backdrop=True)
        n = plain.numbers()
        if plain.ok:
            out.append(Finding(f"fit {profile.id}", OK, f"{n['frame']} ≥ {n['need']}"))
        elif replaced.ok:
            out.append(Finding(f"fit {profile.id}", WARN, f"{n['frame']} < {n['need']} ({plain.code}); with "
                               f"--replace-backdrop {replaced.numbers()['need']} is enough",
                               "Run this profile with --replace-backdrop, or a camera mode with more pixels "
                               "(--camera-size)."))
        else:
            out.append(Finding(f"fit {profile.id}", WARN, f"{n['frame']} < {n['need']} ({plain.code}, distance band "
                               f"{n['band']})", "This camera cannot make this profile's picture: use a camera or "
                               "mode with more pixels (--camera-size), or another profile."))
    return out


def check_cameras(camera: str | None, probe: Callable[[int], bool] | None = None,
                  camera_size: tuple[int, int] | None = None) -> list[Finding]:
    """Return findings on the webcams 0..3 and, when given, the camera spec the kiosk will use (asked for frames of
    `camera_size`, default the kiosk's): its negotiated mode and whether it can make each shipped profile's
    picture."""
    from capture.camera import CameraError, first_frame, open_source, probe_device
    from kiosk.texts import error_text

    probe = probe or (lambda i: probe_device(i, timeout_s=1.5))
    found = [i for i in range(4) if probe(i)]
    out = [Finding("webcams", OK if found else WARN,
                   f"found: {', '.join(map(str, found))}" if found else "none found",
                   "" if found else "Plug the USB webcam in (the kiosk runs on its demo camera until then); "
                                    "on Linux check `ls /dev/video*` and that this user is in the 'video' group.")]
    if camera is not None:
        try:
            asked = camera_size or _asked_camera_size()
            frame = first_frame(open_source(camera, width=asked[0], height=asked[1]), timeout_s=5.0)
            ok = frame is not None
            out.append(Finding(f"camera {camera}", OK if ok else FAIL,
                               f"{frame.rgb.shape[1]}×{frame.rgb.shape[0]} frames" if ok else "no frame in 5 s",
                               "" if ok else "Check the cable, close other programs using the camera, try another "
                                             "number (--camera 1)."))
            if ok:
                out += check_camera_fit((frame.rgb.shape[1], frame.rgb.shape[0]), asked)
        except CameraError as exc:
            out.append(Finding(f"camera {camera}", FAIL, error_text(exc, "en"),
                               "Give a webcam number, a video or 'demo'."))
    return out


def check_screen_and_sound() -> list[Finding]:
    """Return findings on the display (SDL video driver) and the audio device."""
    import pygame

    out = []
    try:
        pygame.display.init()
        driver = pygame.display.get_driver()
        status = WARN if driver in ("dummy", "offscreen") else OK
        out.append(Finding("screen", status, f"SDL video driver {driver}",
                           "" if status == OK else "No display here: fine for tests, not for a kiosk "
                                                   "(unset SDL_VIDEODRIVER, start from the desktop session)."))
    except pygame.error as exc:
        out.append(Finding("screen", FAIL, str(exc), "Start the kiosk from a desktop session (X11/Wayland/Windows)."))
    finally:
        pygame.display.quit()
    try:
        pygame.mixer.init()
        driver = pygame.mixer.get_init()
        out.append(Finding("sound", OK, f"mixer {driver[0]} Hz"))
    except pygame.error as exc:
        out.append(Finding("sound", WARN, str(exc), "No audio device: the kiosk runs silently (or use --no-sound)."))
    finally:
        pygame.mixer.quit()
    return out


#: SDL video drivers that draw nowhere: chosen on purpose for tests and demos, a sign of "no display" otherwise
HEADLESS_DRIVERS = ("dummy", "offscreen")


def _probe_display() -> tuple[str | None, str | None]:
    """Start and stop pygame's display; return (the SDL video driver it chose, None) or (None, its error)."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    try:
        pygame.display.init()
        return pygame.display.get_driver(), None
    except pygame.error as exc:
        return None, str(exc) or "pygame.error"
    finally:
        pygame.display.quit()


def display_problem(env: "os._Environ[str] | dict[str, str] | None" = None, platform: str | None = None,
                    probe: Callable[[], tuple[str | None, str | None]] | None = None) -> tuple[str, str] | None:
    """Return why a kiosk window could not show here, as (code, detail): ("no_display", "") when on Linux neither
    DISPLAY nor WAYLAND_DISPLAY is set, ("display_unusable", what happened) when pygame's display does not start or
    falls back to a driver that draws nowhere; None when a display is there, or when SDL_VIDEODRIVER names a headless
    driver on purpose. `env`, `platform` and `probe` default to this process's."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    asked = env.get("SDL_VIDEODRIVER", "")
    if asked in HEADLESS_DRIVERS:
        return None
    if not asked and platform.startswith("linux") and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return "no_display", ""
    driver, error = (probe or _probe_display)()
    if error is not None:
        return "display_unusable", error
    if driver in HEADLESS_DRIVERS:
        return "display_unusable", f"SDL fell back to its {driver} driver, which draws nowhere"
    return None


def check_font() -> list[Finding]:
    """Return the finding on the Chinese font the screens will use."""
    from kiosk.ui.fonts import cjk_font_path, draws_all

    try:
        path = cjk_font_path()
    except Exception as exc:
        return [Finding("chinese font", FAIL, str(exc), "Reinstall with `make` (it brings Noto Sans SC).")]
    ok = draws_all(path)
    return [Finding("chinese font", OK if ok else FAIL, str(path),
                    "" if ok else "This font lacks some characters: install fonts-noto-cjk or reinstall.")]


def check_store(store: Path) -> list[Finding]:
    """Return findings on the store folder: writable (a test file is written and removed), private, free space."""
    out = []
    if not store.exists():  # not created here: the kiosk creates it private on its first start
        parent = next((p for p in store.absolute().parents if p.exists()), Path("/"))
        if not parent.is_dir() or not os.access(parent, os.W_OK):
            return [Finding("store", FAIL, f"{store} does not exist and {parent} is not a writable folder",
                            "Create the folder for this user, or choose another (--store DIR).")]
        out.append(Finding("store", OK, f"{store.absolute()} will be created (private) on the kiosk's first start"))
        free_mb = shutil.disk_usage(parent).free / 1e6
    else:
        try:
            probe = store / f".doctor-{uuid.uuid4().hex}"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            return [Finding("store", FAIL, f"{store}: cannot write ({exc.strerror or exc})",
                            "Choose a folder this user can write (--store DIR), on a local disk.")]
        out += _store_mode(store)
        out += check_store_modes(store)
        out += _records_file(store / "records.sqlite3")
        free_mb = shutil.disk_usage(store).free / 1e6
    out.append(Finding("disk space", OK if free_mb >= LOW_DISK_MB else WARN, f"{free_mb:,.0f} MB free",
                       "" if free_mb >= LOW_DISK_MB else "Free some space or move the store to a larger disk."))
    return out


def _records_file(path: Path) -> list[Finding]:
    """Return the finding on an existing records file: SQLite's own quick check, read-only."""
    import sqlite3

    if not path.exists():
        return []
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            count = db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error as exc:
        verdict, count = str(exc), None
    if verdict != "ok":
        return [Finding("records file", FAIL, f"{path}: {verdict}",
                        "Move it aside (keep it), restore records.sqlite3 from the last backup or export; the "
                        "pictures folder is not affected.")]
    return [Finding("records file", OK, f"{count} records, intact")]


def _store_mode(store: Path) -> list[Finding]:
    mode = store.stat().st_mode & 0o777
    private = os.name == "nt" or mode & 0o077 == 0
    return [Finding("store", OK if private else WARN, f"{store.resolve()} (mode {mode:o})",
                    "" if private else f"Others can read the photos: `chmod 700 {store}` (the kiosk makes new "
                                       "folders 0700 itself).")]


#: how many of the entries others can reach a finding names (the rest are counted)
_NAMED_MAX = 5


def store_modes(store: Path) -> tuple[list[str], int]:
    """Return (the entries inside `store` that others can reach, as "path (mode)" relative to the store; how many
    entries were looked at): folders must be 0700 and files 0600 (no bits for group or others). Links are not
    followed."""
    open_to_others: list[str] = []
    seen = 0
    for folder, dirs, files in os.walk(store):
        for name in sorted(dirs) + sorted(files):
            path = Path(folder) / name
            try:
                st = path.lstat()
            except OSError:
                continue
            if (st.st_mode & 0o170000) == 0o120000:  # a link: its own mode means nothing
                continue
            seen += 1
            if st.st_mode & 0o077:
                open_to_others.append(f"{path.relative_to(store)} ({st.st_mode & 0o777:o})")
    return sorted(open_to_others), seen


def check_store_modes(store: Path) -> list[Finding]:
    """Return the finding on the modes inside the store: every folder 0700 and every file 0600 (personal data), with
    the one command that makes them so."""
    if os.name == "nt":
        return []
    found, seen = store_modes(store)
    if not found:
        return [Finding("store modes", OK, f"{seen} folders and files, all owner-only (0700/0600)")]
    named = ", ".join(found[:_NAMED_MAX]) + (f" and {len(found) - _NAMED_MAX} more" if len(found) > _NAMED_MAX else "")
    return [Finding("store modes", WARN, f"{len(found)} of {seen} open to others: {named}",
                    f"Others can read photos, numbers or logs: `chmod -R go-rwx {store}` (folders become 0700, "
                    "files 0600), run by the account that owns the store.")]


def check_profiles(extra_dirs: list[str]) -> list[Finding]:
    """Return the finding on the photo specs (every file valid)."""
    from profiles import load_profiles

    try:
        profiles = load_profiles(extra_dirs)
    except Exception as exc:
        return [Finding("profiles", FAIL, str(exc), "Fix or remove the named profile file.")]
    return [Finding("profiles", OK, f"{len(profiles)} specs valid")]


def run_doctor(store: Path, camera: str | None = None, profile_dirs: list[str] | None = None,
               probe: Callable[[int], bool] | None = None) -> list[Finding]:
    """Return every finding, in the order an installer would fix them."""
    findings = check_packages()
    findings += check_models()
    findings += check_cameras(camera, probe)
    findings += check_screen_and_sound()
    findings += check_font()
    findings += check_store(store)
    findings += check_profiles(profile_dirs or [])
    return findings


def format_findings(findings: list[Finding]) -> str:
    """Return the findings as aligned lines ("OK   check  found  → fix") and a one-line verdict."""
    lines = []
    for f in findings:
        line = f"{f.status.upper():4} {f.check:20} {f.found}"
        if f.fix:
            line += f"\n     {'':20} → {f.fix}"
        lines.append(line)
    fails = sum(f.status == FAIL for f in findings)
    warns = sum(f.status == WARN for f in findings)
    lines.append("ready for the kiosk" if not fails else f"{fails} problem(s) to fix before the kiosk can run")
    if warns:
        lines[-1] += f"; {warns} warning(s)"
    return "\n".join(lines)
