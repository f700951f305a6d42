"""One student's visit: everything the station remembers about the person in front of it, reset as a whole."""
from __future__ import annotations

from dataclasses import dataclass, field

from capture.picture import Picture
from kiosk.station.worker import AnalysedFrame, FrameJob


@dataclass
class Session:
    """One student's visit, from arrival to the saved screen; a new one starts at every return to idle."""

    identity: str = ""  # the number the picture is filed under (typed, scanned, given, or anonymous)
    typed: str = ""  # what has been typed at the identify screen so far
    typed_error: bool = False  # the typed number was refused
    typed_reason: Exception | None = None  # the IdentityError refusing it (a code; kiosk/ui words it)
    face_since: float | None = None  # clock seconds since a face has been in view at the idle screen
    qr_job: FrameJob | None = None  # a collection-code decode running on a camera frame
    best: AnalysedFrame | None = None  # the sharpest frame that may become the picture, since guidance started
    countdown_from: float | None = None  # clock seconds when the countdown started
    ticked: int | None = None  # the countdown second last announced with a tick
    job: FrameJob | None = None  # the chosen frame being made into a picture
    picture: Picture | None = None  # the picture waiting for review
    gates_at_capture: dict = field(default_factory=dict)  # gate name → verdict dict of the chosen frame
    captured_index: int | None = None  # the chosen frame's index (read by `idphoto replay`)
    last_filing: object | None = None  # the last capture job's Filing (states/countdown.py; read by `idphoto replay`)
    saved_name: str = ""  # the file name the picture was filed as
    error_code: str | None = None  # what went wrong, for the error screen: a kiosk.texts key
    error_fields: dict = field(default_factory=dict)  # the facts that sentence names
    claimed: str = ""  # the number this station holds a hall claim on for this visit (released when it ends)
    override: dict | None = None  # an operator's accept-over-a-failed-gate: {"gates", "reason", "operator"}

    def filed_gates(self, gates: dict) -> dict:
        """Return `gates` (gate name → verdict dict) as filed: with the key "override" when an operator gave one."""
        return {**gates, "override": dict(self.override)} if self.override else dict(gates)

    @property
    def making(self) -> bool:
        """Return True while the chosen frame is being made into a picture."""
        return self.job is not None
