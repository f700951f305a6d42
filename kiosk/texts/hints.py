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
    "background_not_plain": {"zh": "背景不够干净，请站到纯色背景布前", "en": "The backdrop is not plain: stand in front of a plain backdrop"},
    "colour": {"zh": "画面是黑白（灰度）的，证件照必须是彩色的：请用彩色照片或彩色摄像头", "en": "The picture is black and white (greyscale); an ID photo must be in colour: use a colour photo or camera"},
    "ok": {"zh": "很好，请保持", "en": "Good, hold still"},
    "wait": {"zh": "请稍候", "en": "Please wait"},  # a gate the student cannot fix (a soft camera): staff are told
}

#: the backdrop colours the background gate's hints name (capture.gates.rules.BACKDROP_COLOUR_NAMES), zh + en
BACKDROP_COLOURS: dict[str, dict[str, str]] = {
    "white": {"zh": "白色", "en": "white"},
    "light_grey": {"zh": "浅灰色", "en": "light grey"},
    "light_blue": {"zh": "浅蓝色", "en": "light blue"},
    "blue": {"zh": "蓝色", "en": "blue"},
    "red": {"zh": "红色", "en": "red"},
}
#: how a backdrop is off from the colour it should be (capture.gates.rules.BACKDROP_OFFSETS), zh + en
BACKDROP_OFFSETS: dict[str, dict[str, str]] = {
    "too_dark": {"zh": "太暗", "en": "too dark"},
    "too_light": {"zh": "太亮", "en": "too light"},
    "too_colourful": {"zh": "颜色太浓（偏色）", "en": "too colourful"},
    "too_dull": {"zh": "颜色发灰", "en": "too grey"},
    "wrong_hue": {"zh": "色调不对", "en": "the wrong shade"},
}

#: the neutral colours above and the ways a backdrop can be off from them (capture.gates.rules.NEUTRAL_BACKDROPS)
NEUTRAL_COLOURS = ("white", "light_grey")
NEUTRAL_OFFSETS = ("too_dark", "too_light", "too_colourful")


def _backdrop_hints() -> dict[str, dict[str, str]]:
    """Return the background gate's colour hints: background_<colour>_<offset> naming the colour, background_<offset>
    for a colour without a name here."""
    out = {}
    for offset, how in BACKDROP_OFFSETS.items():
        out[f"background_{offset}"] = {
            "zh": f"背景颜色不符合要求（{how['zh']}），请站到规定颜色的背景布前",
            "en": f"The backdrop is the wrong colour ({how['en']}): stand in front of a backdrop of the required colour"}
        for code, colour in BACKDROP_COLOURS.items():
            if code in NEUTRAL_COLOURS and offset not in NEUTRAL_OFFSETS:
                continue  # white or grey cannot be too grey or the wrong shade: only too dark, light or colourful
            out[f"background_{code}_{offset}"] = {
                "zh": f"背景不是{colour['zh']}：{how['zh']}，请站到{colour['zh']}背景布前",
                "en": f"The backdrop is not {colour['en']}: it is {how['en']}. Stand in front of a {colour['en']} backdrop"}
    return out


HINTS.update(_backdrop_hints())

