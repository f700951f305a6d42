"""Hint sentences a student can act on, by hint code (looked up as "hint.CODE"), zh + en. Directions are the student's own."""
from __future__ import annotations

HINTS: dict[str, dict[str, str]] = {
    "no_face": {"zh": "请正对镜头，让脸完整出现在画面中", "en": "Face the camera so your whole face is in the picture"},
    "single_face": {"zh": "画面中只能有您一个人", "en": "Only you should be in the picture"},
    "move_right": {"zh": "请向右移动一点", "en": "Move a little to your right"},
    "move_left": {"zh": "请向左移动一点", "en": "Move a little to your left"},
    "whole_head": {"zh": "请让整个头部都在画面内", "en": "Keep your whole head inside the frame"},
    "move_closer": {"zh": "请靠近镜头一点", "en": "Come a little closer to the camera"},
    "move_back": {"zh": "请离镜头远一点", "en": "Move back a little from the camera"},
    "turn_left": {"zh": "请把头稍微向左转", "en": "Turn your head slightly to the left"},
    "turn_right": {"zh": "请把头稍微向右转", "en": "Turn your head slightly to the right"},
    "chin_down": {"zh": "请把下巴稍微收一点", "en": "Lower your chin slightly"},
    "chin_up": {"zh": "请把下巴稍微抬一点", "en": "Raise your chin slightly"},
    "tilt_left": {"zh": "请把头摆正（稍向左歪回）", "en": "Keep your head level: tilt it slightly to your left"},
    "tilt_right": {"zh": "请把头摆正（稍向右歪回）", "en": "Keep your head level: tilt it slightly to your right"},
    "shoulders_level": {"zh": "请坐正，两肩保持水平", "en": "Sit up straight with your shoulders level"},
    "eyes_open": {"zh": "请睁开眼睛，看着镜头", "en": "Open your eyes and look at the camera"},
    "mouth_closed": {"zh": "请自然闭上嘴巴", "en": "Close your mouth naturally"},
    "ears_visible": {"zh": "请把头发拨到耳后，露出双耳", "en": "Tuck your hair behind your ears so both ears show"},
    "glasses_glare": {"zh": "眼镜反光，请稍微低头或摘下眼镜", "en": "Your glasses reflect light: tilt your head down a little or take them off"},
    "tinted_glasses": {"zh": "请摘下有色眼镜或墨镜", "en": "Please take off tinted glasses or sunglasses"},
    "lighting_even": {"zh": "脸部一侧有阴影，请正对灯光", "en": "One side of your face is in shadow: face the lights squarely"},
    "too_dark": {"zh": "光线太暗，请靠近灯光", "en": "It is too dark: move closer to the light"},
    "too_bright": {"zh": "光线太强，请避开强光", "en": "It is too bright: move out of the strong light"},
    "sharpness": {"zh": "请保持不动", "en": "Please hold still"},
    "background": {"zh": "背景不符合要求，请站到背景布前", "en": "The background is not right: stand in front of the backdrop"},
    "head_covering": {"zh": "请摘下帽子或头饰", "en": "Please take off your hat or head covering"},
    "ok": {"zh": "很好，请保持", "en": "Good, hold still"},
}

