"""Sentences for PHOTO: a photo, a frame or a picture could not be read, made or checked (capture.errors.PhotoError
codes, declared with their fields in capture.errors.PHOTO_CODES), by code, zh + en: what is wrong, then what to do."""
from __future__ import annotations

PHOTO: dict[str, dict[str, str]] = {
    # reading a file
    "not_found": {
        "zh": "文件不存在。请检查文件名和文件夹后重试。",
        "en": "The file does not exist. Check the file name and folder, then try again.",
    },
    "not_a_file": {
        "zh": "这不是照片文件（可能是文件夹或特殊文件）。请选择照片文件（JPEG、PNG、HEIC、WebP 或 BMP）；如果是文件夹，请选择其中的照片。",
        "en": "This is not a photo file (it is a folder or a special file). Choose a photo file (JPEG, PNG, HEIC, "
              "WebP or BMP); for a folder, choose the photo inside it.",
    },
    "unreadable": {
        "zh": "文件无法读取或解码（{error}）。请确认文件未被锁定或保护；如果它在别处能打开，请另存为 JPEG 或 PNG 后重试。",
        "en": "The file could not be read or decoded ({error}). Check that it is not locked or protected; if it "
              "opens elsewhere, save it again as JPEG or PNG and try again.",
    },
    "empty_file": {
        "zh": "文件是空的（0 字节）。请从相机或手机重新复制照片，上次复制没有完成。",
        "en": "The file is empty (0 bytes). Copy the photo again from the camera or phone; the copy did not finish.",
    },
    "not_an_image": {
        "zh": "这不是可以读取的照片格式。请将照片另存或导出为 JPEG、PNG、HEIC、WebP 或 BMP 后重试。",
        "en": "The file is not a photo in a format that can be read. Save or export the photo as JPEG, PNG, HEIC, "
              "WebP or BMP and try again.",
    },
    "truncated": {
        "zh": "照片文件不完整：数据提前结束。请重新复制或下载照片，传输可能被中断了。",
        "en": "The photo file is incomplete: it ends too early. Copy or download the photo again; the transfer was "
              "probably interrupted.",
    },
    "too_many_pixels": {
        "zh": "照片太大：超过 {limit:,} 像素的上限。请把照片缩小到常规尺寸（例如 4000×3000）后重试。",
        "en": "The photo is too large: it has more than the limit of {limit:,} pixels. Resize it to a normal size "
              "(for example 4000×3000) and try again.",
    },
    "resolution_too_low": {
        "zh": "分辨率太低：照片只有 {width}×{height} 像素，此规格的 {out_width}×{out_height} 像素证件照至少需要 "
              "{min_width}×{min_height} 像素的照片（最多放大 {max_scale:g} 倍才能保持清晰）。请使用相机或手机拍的原图，"
              "不要用缩略图或截图。",
        "en": "Resolution too low: the photo is {width}×{height} px, and this profile's {out_width}×{out_height} px "
              "picture needs a photo of at least {min_width}×{min_height} px (it may be enlarged at most "
              "{max_scale:g}× to stay sharp). Use the original photo from the camera or phone, not a thumbnail or a "
              "screenshot.",
    },
    # finding the subject
    "no_face": {
        "zh": "照片中没有找到人脸。请使用一张清晰的正面单人照片，整张脸都要露出来。",
        "en": "No face was found in the photo. Use a clear, front-facing photo of one person with the whole face "
              "visible.",
    },
    "several_faces": {
        "zh": "照片中有 {count} 张人脸；证件照只能有一个人。请使用只有本人的照片。",
        "en": "{count} faces were found; an ID photo shows one person. Use a photo with only the applicant in it.",
    },
    # framing
    "head_cut_off": {
        "zh": "头顶被照片上边缘裁掉了。请使用头发上方留有空间的照片（换底色也无法补出缺失的头发）。",
        "en": "The top of the head is cut off by the photo's top edge. Use a photo with space above the hair (a new "
              "backdrop cannot add missing hair).",
    },
    "proportions_unfit": {
        "zh": "头部比例无法同时满足此规格对头顶、眼睛位置和头部大小的要求。请确认头顶完整可见、脸部端正，或换一个规格。",
        "en": "The head's proportions cannot meet this spec's hair-top, eye-line and size bands at once. Check that "
              "the hair top is visible and the face is upright, or choose another profile.",
    },
    "face_too_small": {
        "zh": "脸太小：需要放大 {scale:.1f} 倍（最多放大 {max_scale:.1f} 倍才能保持清晰）。请使用分辨率更高的照片，或站得离相机更近。",
        "en": "The face is too small: it would have to be enlarged {scale:.1f}× (at most {max_scale:.1f}× keeps it "
              "sharp). Use a higher-resolution photo or stand closer to the camera.",
    },
    "frame_too_small": {
        "zh": "照片取景太紧，无法满足此规格：头部放大得少一些就需要比现有更多的画面。请使用露出更多肩膀和头部周围空间的照片。",
        "en": "The photo is too tightly framed for this spec: enlarging the head less would need more picture than "
              "there is. Use a photo that shows more of the shoulders and the space around the head.",
    },
    "too_close_to_top": {
        "zh": "头部上方的空间不够此规格使用。请使用头发上方空间更多的照片，或用 `idphoto make --replace-backdrop` 加出空间。",
        "en": "There is not enough space above the head for this spec. Use a photo with more space above the hair, "
              "or add room with `idphoto make --replace-backdrop`.",
    },
    "too_close_to_bottom": {
        "zh": "照片在下巴下方结束得太近，不够此规格使用。请使用能看到肩膀的照片。",
        "en": "The photo ends too close under the chin for this spec. Use a photo that shows the shoulders.",
    },
    "off_centre": {
        "zh": "脸离照片侧边太近，无法居中。请使用脸在中间、两侧都留有空间的照片。",
        "en": "The face is too close to the photo's side edge to be centred. Use a photo with the face nearer the "
              "middle and space on both sides.",
    },
    # encoding and writing
    "kb_window_unreachable": {
        "zh": "质量 {quality_min} 到 {quality_max} 之间没有一个能让文件大小落在 {kb_min:g}–{kb_max:g} KB 之内："
              "得到的文件从 {smallest_bytes:,} 字节（质量 {smallest_quality}）到 {largest_bytes:,} 字节（质量 "
              "{largest_quality}）。请选择 KB 范围更宽、质量下限更低或像素尺寸更小的规格；如果文件总是小于下限，说明照片细节太少"
              "（本程序从不填充文件），请确认照片清晰而不是空白。",
        "en": "No JPEG quality from {quality_min} to {quality_max} gives a file inside {kb_min:g}–{kb_max:g} KB: the "
              "files made ranged from {smallest_bytes:,} bytes (quality {smallest_quality}) to {largest_bytes:,} "
              "bytes (quality {largest_quality}). Choose a profile with a wider KB window, a lower quality floor or "
              "a smaller output size; files that stay below the minimum mean the picture has too little detail "
              "(files are never padded): check the photo is sharp and not blank.",
    },
    "verify_failed": {
        "zh": "生成的证件照没有通过自检（{problems}）。请把这个问题报告给维护人员。",
        "en": "The finished picture failed its own check ({problems}). Please report this.",
    },
    "write_failed": {
        "zh": "证件照无法写入（{error}）。请确认输出文件夹存在、可写，并且有剩余空间。",
        "en": "The picture could not be written ({error}). Check that the output folder exists, is writable and "
              "has free space.",
    },
    # the tools and the station
    "would_overwrite_input": {
        "zh": "输出会覆盖原照片。请用 -o 选择另一个输出文件夹。",
        "en": "The output would overwrite the input photo. Choose another output folder with -o.",
    },
    "capture_failed": {
        "zh": "照片没能生成（{error}）。请再试一次。",
        "en": "The picture could not be made ({error}). Please try again.",
    },
}


def _refusals() -> dict[str, dict[str, str]]:
    """Return the sentences of `make` refusing a photo whose picture would fail a blocking gate, one per gate hint
    (capture.errors.refusal_code): the hint says what is wrong and how to fix it."""
    from kiosk.texts.hints import HINTS

    return {f"refused_{code}": {
        "zh": f"这张照片做不出合格的证件照：{hint['zh']}。请换一张照片（操作员可用 --no-gates 只裁剪和编码）。",
        "en": f"This photo cannot make a picture that passes: {hint['en']}. Use another photo (an operator can crop "
              "and encode only, with --no-gates).",
    } for code, hint in HINTS.items() if code not in ("ok", "wait")}  # "wait": the station's own


PHOTO.update(_refusals())
