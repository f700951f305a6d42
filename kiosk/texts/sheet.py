"""Sentences for SHEET: a print sheet (冲印排版) could not be laid out or written, or a picture prints with a caveat
(capture.sheet.SheetError codes and the `enlarged` warning, declared with their fields in capture.sheet.SHEET_CODES),
by code, zh + en: what is wrong, then what to do."""
from __future__ import annotations

SHEET: dict[str, dict[str, str]] = {
    "unknown_size": {
        "zh": "没有“{size}”这种冲印尺寸。请使用其中之一：{known}。",
        "en": "There is no print size \"{size}\". Use one of: {known}.",
    },
    "unknown_layout": {
        "zh": "没有“{layout}”这种相纸。请使用其中之一：{known}。",
        "en": "There is no sheet layout \"{layout}\". Use one of: {known}.",
    },
    "size_does_not_fit": {
        "zh": "{size} 的照片放不进 {layout} 相纸的页边距内。请选择更大的相纸（例如 a4）或更小的尺寸。",
        "en": "A {size} print does not fit inside the margins of a {layout} sheet. Choose a larger sheet (for "
              "example a4) or a smaller size.",
    },
    "bad_output_type": {
        "zh": "无法写成“{suffix}”文件。请让输出文件名以 .jpg 或 .pdf 结尾。",
        "en": "Sheets cannot be written as \"{suffix}\" files. End the output file name in .jpg or .pdf.",
    },
    "output_is_folder": {
        "zh": "这是一个文件夹，不是文件名。请在文件夹后加上文件名，例如 排版.jpg 或 sheet.pdf。",
        "en": "This is a folder, not a file name. Add a file name after the folder, for example sheet.jpg or "
              "sheet.pdf.",
    },
    "output_is_input": {
        "zh": "这是要排版的照片之一，写入会覆盖它。请换一个输出文件名，例如 排版.jpg。",
        "en": "This is one of the pictures being laid out; writing the sheet would overwrite it. Choose another output "
              "file name, for example sheet.jpg.",
    },
    "output_folder_missing": {
        "zh": "文件夹 {folder} 不存在。请先创建该文件夹，或把输出写到已有的文件夹。",
        "en": "The folder {folder} does not exist. Create it first, or write the sheet to a folder that exists.",
    },
    "output_folder_not_writable": {
        "zh": "无法在文件夹 {folder} 中写入文件（{error}）。请选择可写的文件夹（例如自己的主文件夹或已插好的 U 盘）。",
        "en": "Files cannot be written in the folder {folder} ({error}). Choose a folder you can write to (for "
              "example your home folder or a mounted USB stick).",
    },
    "write_failed": {
        "zh": "排版文件没有写成（{error}）。已有的文件保持不变；请检查磁盘空间和权限后重试。",
        "en": "The sheet could not be written ({error}). Any earlier file is unchanged; check the disk space and "
              "permissions, then try again.",
    },
    "nothing_to_print": {
        "zh": "没有可以排版的照片，未写入任何文件。请按上面的提示处理每张照片后重试。",
        "en": "No picture could be laid out, so no sheet was written. Fix each picture as said above and try again.",
    },
    "enlarged": {
        "zh": "这张照片需要放大 {factor:.1f} 倍才能按 {dpi} dpi 冲印（超过 {limit:.1f} 倍会发虚）。仍已排版；如需清晰的照片，请使用分辨率更高的照片。",
        "en": "This picture must be enlarged {factor:.1f}× to print at {dpi} dpi (more than {limit:.1f}× looks soft). "
              "It is on the sheet; for a sharp print use a higher-resolution picture.",
    },
}
