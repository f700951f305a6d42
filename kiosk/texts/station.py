"""Sentences for STATION: the live station's own messages (filing refused, analysis stopped, ...), by code, zh + en.
kiosk.station.loop sets these keys ("station.CODE") for the error screen."""
from __future__ import annotations

STATION: dict[str, dict[str, str]] = {
    # the staff strip when only sharpness keeps a still person from the picture (kiosk/station/soft_camera.py)
    "soft_camera": {
        "zh": "摄像头画面发虚：请对焦、加光或换摄像头（{camera}）",
        "en": "Camera image is soft: focus, add light or use a better webcam ({camera})",
    },
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
    # the camera-fits-profile check (capture/camera_fit.py): for the operator (log, doctor, console), with numbers
    "camera_unfit_frame_too_small": {
        "zh": "摄像头画面 {frame} 太小，做不出 {profile} 的照片（至少需要 {need}）。请换用更高分辨率的摄像头或模式"
              "（--camera-size），或换一个规格。",
        "en": "The camera's {frame} frames are too small for a {profile} picture (at least {need} is needed). Use "
              "a camera or mode with more pixels (--camera-size), or another profile.",
    },
    "camera_unfit_distance_band_empty": {
        "zh": "摄像头画面 {frame} 下，{profile} 的距离要求无法满足（放大倍数 {band} 没有可用范围）。请换用更高分辨率的"
              "摄像头或模式（--camera-size），或换一个规格。",
        "en": "At {frame}, no distance gives a {profile} picture (enlargement band {band} is empty). Use a camera or "
              "mode with more pixels (--camera-size), or another profile.",
    },
    "camera_fits": {
        "zh": "摄像头画面 {frame} 可以做出 {profile} 的照片（至少需要 {need}）。",
        "en": "The camera's {frame} frames can make a {profile} picture (at least {need} is needed).",
    },
    # the students' screen while the camera cannot make the chosen profile's picture (暂停服务)
    "not_ready_title": {
        "zh": "暂停服务",
        "en": "Station not ready",
    },
    # the staff strip of a station in a hall (kiosk/station/hall_link.py): its server or its outbox needs the staff
    "hall_offline": {
        "zh": "无法连接大厅服务器：照片先存入本机待发区（{n} 张待发送）",
        "en": "Hall server unreachable: capturing into this station's outbox ({n} waiting)",
    },
    "hall_conflicts": {
        "zh": "有 {n} 张照片与其他采集机冲突：请到控制台查看",
        "en": "{n} filings conflict with another station: see the console",
    },
    "not_ready_body": {
        "zh": "本机暂时不能拍照，请联系工作人员。",
        "en": "This station cannot take photos right now. Please ask the staff.",
    },
}
