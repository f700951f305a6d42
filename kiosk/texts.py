"""Screen text in Chinese and English (the student's language first; hints live in capture.hints)."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "title": {"zh": "证件照自助采集", "en": "ID photo self-service"},
    "idle_call": {"zh": "请站到镜头前开始", "en": "Step in front of the camera to begin"},
    "idle_touch": {"zh": "或轻触屏幕", "en": "or touch the screen"},
    "identify_title": {"zh": "请输入学号、考生号或身份证号", "en": "Enter your student, exam or ID number"},
    "identify_invalid": {"zh": "号码格式不正确，请重新输入", "en": "That number does not look right: please try again"},
    "ok": {"zh": "确定", "en": "OK"},
    "back": {"zh": "返回", "en": "Back"},
    "delete": {"zh": "删除", "en": "Delete"},
    "guide_title": {"zh": "请按提示调整", "en": "Follow the hint"},
    "hold_still": {"zh": "保持不动", "en": "Hold still"},
    "review_title": {"zh": "请确认您的照片", "en": "Check your photo"},
    "confirm": {"zh": "确认", "en": "Confirm"},
    "retake": {"zh": "重拍", "en": "Retake"},
    "making": {"zh": "正在生成照片…", "en": "Making your photo…"},
    "saved_title": {"zh": "照片已保存", "en": "Your photo is saved"},
    "saved_thanks": {"zh": "谢谢，请离开采集区", "en": "Thank you, you may leave"},
    "error_title": {"zh": "出了点问题", "en": "Something went wrong"},
    "error_wait": {"zh": "请稍候，系统正在恢复", "en": "Please wait, the system is recovering"},
    "camera_lost": {"zh": "摄像头未连接，正在重试…", "en": "Camera disconnected, reconnecting…"},
    "camera_starting": {"zh": "正在启动摄像头…", "en": "Starting the camera…"},
    "lang_switch": {"zh": "English", "en": "中文"},
    "facts": {"zh": "{w}×{h} 像素 · {kb:.1f} KB · {dpi} dpi", "en": "{w}×{h} px · {kb:.1f} KB · {dpi} dpi"},
    "bands_hair": {"zh": "发顶", "en": "Hair top"},
    "bands_eyes": {"zh": "眼睛", "en": "Eye line"},
    "bands_face": {"zh": "脸宽", "en": "Face width"},
}

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
    "background": {"zh": "背景合格", "en": "Background"},
    "sharpness": {"zh": "画面清晰", "en": "Sharp"},
}


def text(key: str, lang: str, **fields: object) -> str:
    """Return screen text `key` in `lang` ("zh" or "en"), formatted with `fields`."""
    entry = TEXTS[key]
    value = entry.get(lang) or entry["en"]
    return value.format(**fields) if fields else value


def gate_label(name: str, lang: str) -> str:
    """Return the checklist label of gate `name` in `lang`."""
    entry = GATE_LABELS.get(name, {"en": name})
    return entry.get(lang) or entry["en"]
