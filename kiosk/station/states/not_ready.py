"""Not-ready state (暂停服务): the camera's frames cannot make the chosen profile's picture, so no student is guided.

The loop checks the camera against the profile (capture/camera_fit.py) at start and whenever the frame size, the
profile or backdrop replacement changes, logs the numbers for the operator and sends STATION_NOT_READY; students
see "station not ready, please ask staff", never a hint. Once the operator's change makes it fit, back to idle.
"""
from __future__ import annotations

from kiosk.station.flow import Event
from kiosk.station.states.context import Context
from kiosk.station.view_model import ViewModel
from kiosk.station.worker import AnalysedFrame


def enter(ctx: Context) -> Event | None:
    """Forget any student in progress: nobody is guided while the station is not ready."""
    ctx.new_session()
    return None


def on_frame(ctx: Context, analysed: AnalysedFrame | None, now: float) -> Event | None:
    """Back to idle once the camera fits the profile again."""
    fit = ctx.camera_fit
    return Event.STATION_READY if fit is None or fit.ok else None


def on_action(ctx: Context, action: str) -> Event | None:
    """Students cannot dismiss it; only the operator's change of camera or profile ends it."""
    return None


def view(ctx: Context, vm: ViewModel) -> None:
    """The not-ready screen needs only the language (already in `vm`)."""
