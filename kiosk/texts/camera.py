"""Sentences for CAMERA: camera states and problems (capture.camera codes), by code, zh + en.

Error sentences follow the camera's name ("webcam 0: …", see `kiosk.texts.error_text`) and say what is wrong and
what to do. Status sentences (`CameraSupervisor.code`) name the camera themselves with {camera}; fields: {camera},
{attempt}, {retry_s}. Every code in `capture.camera.CAMERA_CODES` has an entry (tests/test_camera_texts.py).
"""
from __future__ import annotations

_SPEC_ADVICE_ZH = "请使用 demo、摄像头编号（如 0）、设备（如 /dev/video0），或已有的视频文件、图片文件、图片文件夹的路径。"
_SPEC_ADVICE_EN = ("Use 'demo', a webcam number such as 0, a device such as /dev/video0, "
                   "or the path of an existing video file, image file or folder of images.")
_RETRY_ZH = "{retry_s} 秒后重试。如果反复出现，请检查摄像头的 USB 线。"
_RETRY_EN = "Retrying in {retry_s} s. If this keeps happening, check the camera's USB cable."

CAMERA: dict[str, dict[str, str]] = {
    # -- errors (CameraError.code) ---------------------------------------------------------------------------------
    "bad_spec": {
        "zh": "这不是 demo、摄像头编号、/dev/video 设备，也不是已有的文件或文件夹。" + _SPEC_ADVICE_ZH,
        "en": "This is not 'demo', a webcam number, a /dev/video device, or an existing file or folder. "
              + _SPEC_ADVICE_EN,
    },
    "no_device": {
        "zh": "这个视频设备不存在。请插好摄像头，用 `ls /dev/video*` 查看设备，或使用 demo。",
        "en": "This video device does not exist. Plug the webcam in, list the devices with `ls /dev/video*`, "
              "or use 'demo'.",
    },
    "open_timeout": {
        "zh": "摄像头在 {timeout_s:g} 秒内没有打开。请拔下摄像头再插上，并关闭可能占用它的其他程序。",
        "en": "The camera did not open within {timeout_s:g} s. Unplug the webcam, plug it in again, and close "
              "other programs that may use it.",
    },
    "open_failed": {
        "zh": "无法打开摄像头。请检查摄像头已插好、没有被其他程序占用，或换一个摄像头编号。",
        "en": "The camera could not be opened. Check that the webcam is plugged in and not used by another "
              "program, or choose another camera number.",
    },
    "read_failed": {
        "zh": "摄像头不再传送画面（连续 {failures} 次读取失败）。请检查 USB 线；系统会自动重新连接。",
        "en": "The camera stopped delivering pictures ({failures} reads in a row failed). Check the USB cable; "
              "the kiosk keeps trying to reconnect.",
    },
    "not_found": {
        "zh": "这个文件或文件夹不存在。请检查名称和所在文件夹后重试。",
        "en": "This file or folder does not exist. Check the name and the folder, then try again.",
    },
    "unreadable_video": {
        "zh": "无法读取这个视频文件。请转换为 MP4（H.264）或 MJPG AVI 后重试，或使用 demo。",
        "en": "The video file cannot be read. Convert it to MP4 (H.264) or MJPG AVI and try again, or use 'demo'.",
    },
    "no_images": {
        "zh": "这个文件夹里没有 JPEG、PNG、BMP 或 WebP 图片。请把录制的画面放进这个文件夹，或选择其他文件夹。",
        "en": "The folder holds no JPEG, PNG, BMP or WebP images. Put the recorded frames in this folder, "
              "or choose another folder.",
    },
    "unreadable_image": {
        "zh": "无法读取这张照片（{photo_code}）。请选择其他照片。",
        "en": "The photo cannot be read ({photo_code}). Choose another photo.",
    },
    "unreadable_frame": {
        "zh": "无法读取画面 {file}（{photo_code}）。请删除或替换这个文件。",
        "en": "Frame {file} cannot be read ({photo_code}). Remove or replace that file.",
    },
    "empty": {
        "zh": "这段录像没有画面。请选择其他录像。",
        "en": "The recording has no frames. Choose another recording.",
    },
    "bad_frame": {
        "zh": "第 {index} 帧不是 H×W×3 uint8 RGB 图像（{shape}）。请检查录像。",
        "en": "Frame {index} is not H×W×3 uint8 RGB ({shape}). Check the recording.",
    },
    "no_demo_still": {
        "zh": "缺少演示照片 {path}。请重新安装，或用一张照片文件代替 demo 作为摄像头。",
        "en": "The demo photo {path} is missing. Reinstall the kiosk, or pass a photo file as the camera "
              "instead of 'demo'.",
    },
    # -- supervisor status (CameraSupervisor.code) -----------------------------------------------------------------
    "starting": {"zh": "正在启动摄像头…", "en": "Starting the camera…"},
    "ok": {"zh": "摄像头工作正常。", "en": "The camera is working."},
    "reconnecting": {
        "zh": "正在重新连接摄像头（{camera}），第 {attempt} 次尝试…",
        "en": "Reconnecting to the camera ({camera}), attempt {attempt}…",
    },
    "lost_error": {
        "zh": "摄像头（{camera}）报告了错误。" + _RETRY_ZH,
        "en": "The camera ({camera}) reported an error. " + _RETRY_EN,
    },
    "lost_stale": {
        "zh": "摄像头（{camera}）不再传送画面。" + _RETRY_ZH,
        "en": "The camera ({camera}) stopped sending pictures. " + _RETRY_EN,
    },
    "lost_frozen": {
        "zh": "摄像头（{camera}）一直传送同一张画面。" + _RETRY_ZH,
        "en": "The camera ({camera}) keeps sending the same picture. " + _RETRY_EN,
    },
    "lost_no_frames": {
        "zh": "摄像头（{camera}）已打开，但没有传送画面。" + _RETRY_ZH,
        "en": "The camera ({camera}) opened but sent no picture. " + _RETRY_EN,
    },
    "lost_open_failed": {
        "zh": "无法打开摄像头（{camera}）。" + _RETRY_ZH,
        "en": "The camera ({camera}) could not be opened. " + _RETRY_EN,
    },
    # -- the kiosk command -----------------------------------------------------------------------------------------
    "no_webcam_demo": {
        "zh": "未找到摄像头：使用内置的演示摄像头运行（插上摄像头后请使用 --camera 0）。",
        "en": "No webcam found: running on the bundled demo camera (use --camera 0 once one is plugged in).",
    },
}
