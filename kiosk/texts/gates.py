"""Checklist labels of the gates, by gate name (looked up as "gate.NAME"), zh + en."""
from __future__ import annotations

GATE_LABELS: dict[str, dict[str, str]] = {
    "single_face": {"zh": "单人入镜", "en": "Only you"},
    "in_frame": {"zh": "位置居中", "en": "Centred"},
    "distance": {"zh": "距离合适", "en": "Distance"},
    "yaw": {"zh": "正对镜头", "en": "Face forward"},
    "pitch": {"zh": "下巴平视", "en": "Chin level"},
    "roll": {"zh": "头部端正", "en": "Head level"},
    "head_covering": {"zh": "不戴帽子", "en": "No hat"},
    "tinted_glasses": {"zh": "无有色眼镜", "en": "No tinted glasses"},
    "eyes_open": {"zh": "双眼睁开", "en": "Eyes open"},
    "mouth_closed": {"zh": "嘴巴闭合", "en": "Mouth closed"},
    "glasses_glare": {"zh": "眼镜无反光", "en": "No glare"},
    "ears_visible": {"zh": "露出双耳", "en": "Ears visible"},
    "shoulders_level": {"zh": "双肩水平", "en": "Shoulders level"},
    "lighting_even": {"zh": "光线均匀", "en": "Even light"},
    "exposure": {"zh": "亮度合适", "en": "Brightness"},
    "colour": {"zh": "彩色照片", "en": "Colour photo"},
    "background": {"zh": "背景合格", "en": "Background"},
    "sharpness": {"zh": "画面清晰", "en": "Sharp"},
}
