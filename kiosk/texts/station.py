"""Sentences for STATION: the live station's own messages (filing refused, analysis stopped, ...), by code, zh + en.
kiosk.station.loop sets these keys ("station.CODE") for the error screen."""
from __future__ import annotations

STATION: dict[str, dict[str, str]] = {
    "filing_refused": {
        "zh": "这个号码已经有存档的照片，不能再次存档。请联系工作人员。",
        "en": "This number already has a filed photo, so it cannot be filed again. Please ask the operator.",
    },
    "filing_failed": {
        "zh": "照片没能保存（{error}）。请联系工作人员检查存储文件夹和剩余空间。",
        "en": "The picture could not be saved ({error}). Please ask the operator to check the store folder and "
              "free space.",
    },
    "analysis_stopped": {
        "zh": "人脸分析已停止（{error}）。请联系工作人员重新启动本机。",
        "en": "The face analysis stopped ({error}). Please ask the operator to restart the kiosk.",
    },
}
