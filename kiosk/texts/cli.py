"""Sentences for CLI: what the `idphoto` command says to the person typing it (kiosk.commands.common.CommandError
codes, declared with their fields in kiosk.commands.common.CLI_CODES, and the words of `check`'s and the batch
commands' summaries), by code, zh + en. The command line prints the English ones."""
from __future__ import annotations

CLI: dict[str, dict[str, str]] = {
    # output paths (-o, --report) and setup
    "output_is_folder": {
        "zh": "这是一个文件夹，不是文件名。请给出要写入的文件名，例如 {example}。",
        "en": "This is a folder, not a file name. Give the name of the file to write, for example {example}.",
    },
    "output_folder_missing": {
        "zh": "文件夹 {folder} 不存在。请先创建它，或选择一个已有的文件夹。",
        "en": "The folder {folder} does not exist. Create it first, or choose a folder that exists.",
    },
    "output_not_writable": {
        "zh": "无法写入文件夹 {folder}（{error}）。请选择本账户可以写入的文件夹，或请管理员开放写权限。",
        "en": "The folder {folder} cannot be written ({error}). Choose a folder this account can write, or ask "
              "the administrator for write access.",
    },
    "output_failed": {
        "zh": "文件没能写入（{error}）。请检查磁盘空间和写权限后重试。",
        "en": "The file could not be written ({error}). Check the disk's free space and write access, then try "
              "again.",
    },
    "export_failed": {
        "zh": "导出文件没能写入（{error}），没有任何记录被锁定。请检查磁盘空间和写权限后重试。",
        "en": "The export could not be written ({error}); no record was locked. Check the disk's free space and "
              "write access, then try again.",
    },
    "no_display": {
        "zh": "没有找到显示器（未设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开自助机窗口。请在桌面会话中启动，"
              "或不开窗口运行：idphoto kiosk --headless。",
        "en": "No display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the kiosk window cannot open. "
              "Start it from the desktop session, or run it without a window: idphoto kiosk --headless.",
    },
    "display_unusable": {
        "zh": "无法打开显示器（{detail}），自助机窗口不会出现。请在桌面会话中启动并检查 DISPLAY 设置，"
              "或不开窗口运行：idphoto kiosk --headless。",
        "en": "The display cannot be opened ({detail}), so the kiosk window would not show. Start it from the "
              "desktop session and check DISPLAY, or run it without a window: idphoto kiosk --headless.",
    },
    # `idphoto kiosk` on a hall server (kiosk.station.store_address): the subject is the URL, password masked
    "store_url_malformed": {
        "zh": "地址格式不对（端口不是数字）。请按 postgresql://用户@主机:端口/数据库 填写，即 hall-server 打印的地址。",
        "en": "The address is malformed (its port is not a number). Write it as postgresql://USER@HOST:PORT/DATABASE, "
              "as hall-server printed it.",
    },
    "store_url_no_host": {
        "zh": "地址里没有服务器。请按 postgresql://用户@主机:端口/数据库 填写，即 hall-server 打印的地址。",
        "en": "The address names no server. Write it as postgresql://USER@HOST:PORT/DATABASE, as hall-server "
              "printed it.",
    },
    "store_url_no_database": {
        "zh": "地址里没有数据库名。请按 postgresql://用户@主机:端口/数据库 填写，即 hall-server 打印的地址。",
        "en": "The address names no database. Write it as postgresql://USER@HOST:PORT/DATABASE, as hall-server "
              "printed it.",
    },
    "store_url_no_user": {
        "zh": "地址里没有用户名，密码文件中的密码无法使用。请按 postgresql://用户@主机:端口/数据库 填写。",
        "en": "The address names no user, so the password file's password cannot go with it. Write it as "
              "postgresql://USER@HOST:PORT/DATABASE.",
    },
    "password_file_unreadable": {
        "zh": "无法读取密码文件（{error}）。请给出本账户可以读取、第一行是大厅服务器密码的文件。",
        "en": "The password file cannot be read ({error}). Give a file this account can read, with the hall "
              "server's password on its first line.",
    },
    "password_file_empty": {
        "zh": "密码文件是空的。请在第一行写上大厅服务器的密码。",
        "en": "The password file is empty. Put the hall server's password on its first line.",
    },
    "local_unusable": {
        "zh": "无法使用本工位的文件夹（{error}），日志、待发记录和导出都放在这里。请选择本账户可以创建和写入的文件夹。",
        "en": "This station's own folder (its log, outbox and exports) cannot be used ({error}). Choose a folder "
              "this account can create and write.",
    },
    "kiosk_files_to": {
        "zh": "自助机：记录保存到 {store}（工位 {name}）；日志、待发记录和导出在 {folder}。",
        "en": "kiosk: filing to {store} as station {name}; its log, outbox and exports are in {folder}.",
    },
    "interrupted": {"zh": "已中断。", "en": "interrupted."},
    # skipped inputs of a folder (make, check, import): "skipped 2: 1 folder, 1 broken link"
    "skipped": {"zh": "跳过 {count} 项：{parts}", "en": "skipped {count}: {parts}"},
    "list_separator": {"zh": "、", "en": ", "},
    "skipped_folder": {"zh": "{n} 个文件夹", "en": "{n} folder"},
    "skipped_folders": {"zh": "{n} 个文件夹", "en": "{n} folders"},
    "skipped_broken_link": {"zh": "{n} 个失效链接", "en": "{n} broken link"},
    "skipped_broken_links": {"zh": "{n} 个失效链接", "en": "{n} broken links"},
    "skipped_not_photo": {"zh": "{n} 个非照片文件", "en": "{n} file that is not a photo"},
    "skipped_not_photos": {"zh": "{n} 个非照片文件", "en": "{n} files that are not photos"},
    "skipped_other": {"zh": "{n} 个特殊文件", "en": "{n} special file"},
    "skipped_others": {"zh": "{n} 个特殊文件", "en": "{n} special files"},
    # `idphoto check`: one line per failing gate and file rule
    "check_pass": {"zh": "通过", "en": "PASS"},
    "check_fail": {"zh": "不通过", "en": "FAIL"},
    "check_error": {"zh": "错误", "en": "ERROR"},
    "check_gate": {"zh": "{label}（{name}{advisory}）：{value}，{limit}。{hint}。",
                   "en": "{label} ({name}{advisory}): {value}, {limit}. {hint}."},
    "check_advisory": {"zh": "，仅提示", "en": ", advisory"},
    "check_not_measured": {"zh": "未测到", "en": "not measured"},
    "limit_at_most": {"zh": "应不超过 {limit}", "en": "allowed at most {limit}"},
    "limit_at_least": {"zh": "应至少为 {limit}", "en": "needed at least {limit}"},
    "limit_abs_at_most": {"zh": "应在 −{limit} 到 {limit} 之间", "en": "allowed between −{limit} and {limit}"},
    "limit_band": {"zh": "应在 {lo} 到 {hi} 之间", "en": "needed between {lo} and {hi}"},
    "limit_exactly": {"zh": "应正好为 {limit}", "en": "needed exactly {limit}"},
    "limit_other": {"zh": "限值 {limit}", "en": "limit {limit}"},
    "check_rule": {"zh": "文件{what}：{value}，应为 {expected}。", "en": "file {what}: {value}, must be {expected}."},
    "rule_kb": {"zh": "大小", "en": "size"},
    "rule_format": {"zh": "格式", "en": "format"},
    "rule_width_px": {"zh": "宽度", "en": "width"},
    "rule_height_px": {"zh": "高度", "en": "height"},
    "rule_ratio": {"zh": "宽高比", "en": "width/height ratio"},
    "rule_dpi": {"zh": "分辨率标记", "en": "resolution tag"},
    "rule_baseline": {"zh": "JPEG 编码方式", "en": "JPEG encoding"},
    "rule_bit_depth": {"zh": "色彩位数", "en": "channels and bits"},
    "rule_metadata": {"zh": "附带信息", "en": "metadata"},
    "rule_background_colour": {"zh": "背景颜色", "en": "backdrop colour"},
    "rule_hair_top_px": {"zh": "头顶位置", "en": "hair top"},
    "rule_eye_line_px": {"zh": "眼睛位置", "en": "eye line"},
    "rule_face_width_px": {"zh": "脸宽", "en": "face width"},
    "rule_head_height_px": {"zh": "头高", "en": "head height"},
    "value_none": {"zh": "无", "en": "none"},
    "value_not_set": {"zh": "未设置", "en": "not set"},
    "value_background": {"zh": "最接近 {nearest}，色差 ΔE {delta_e:g}",
                         "en": "nearest {nearest}, ΔE {delta_e:g} away"},
    "expected_background": {"zh": "{names} 之一（色差 ΔE 不超过 {limit:g}）",
                            "en": "one of {names} (within ΔE {limit:g})"},
    "check_summary": {"zh": "{ok}/{total} 张照片符合 {profile}。", "en": "{ok} of {total} photos pass {profile}."},
    "report_written": {"zh": "报告：{path}", "en": "report: {path}"},
}
