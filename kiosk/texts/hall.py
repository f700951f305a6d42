"""Sentences of the operator console's hall page (大厅: the hall's stations and this station's outbox), by key (no
prefix), zh + en; merged into the screens' table (kiosk.texts.screens)."""
from __future__ import annotations

HALL: dict[str, dict[str, str]] = {
    "op_hall": {"zh": "大厅", "en": "Hall"},
    "op_hall_title": {"zh": "大厅：各采集机", "en": "Stations"},
    "op_hall_live_count": {"zh": "{live} 台在线 / 共 {total} 台", "en": "{live} of {total} stations live"},
    "op_hall_checked": {"zh": "更新于 {at}", "en": "checked {at}"},
    "op_hall_queue_hall": {"zh": "“采集记录”页显示整个大厅的记录", "en": "The Records page lists the whole hall"},
    "op_hall_queue_local": {"zh": "本机单独存储：“采集记录”页只显示本机的记录",
                            "en": "This station stores alone: the Records page lists its own records"},
    "op_hall_none": {"zh": "还没有采集机的信息", "en": "No station has reported yet"},
    "op_col_station": {"zh": "采集机", "en": "Station"},
    "op_col_seen": {"zh": "状态", "en": "State"},
    "op_col_filed_today": {"zh": "今日存档", "en": "Filed today"},
    "op_col_attempts_today": {"zh": "今日拍摄", "en": "Attempts today"},
    "op_col_capturing": {"zh": "正在采集", "en": "Capturing"},
    "op_hall_live": {"zh": "在线", "en": "live"},
    "op_hall_gone": {"zh": "最后在线 {at}", "en": "last seen {at}"},
    "op_hall_gone_never": {"zh": "离线", "en": "not live"},
    "op_hall_this": {"zh": "本机", "en": "this"},
    "op_hall_outbox": {"zh": "本机待发区", "en": "This station's outbox"},
    "op_hall_online": {"zh": "服务器已连接", "en": "Server reachable"},
    "op_hall_offline": {"zh": "无法连接服务器：照片先存在本机", "en": "Server unreachable: filing locally"},
    "op_hall_pending": {"zh": "待发送：{n} 张", "en": "Waiting to send: {n}"},
    "op_hall_conflicts": {"zh": "冲突：{n} 张", "en": "Conflicts: {n}"},
    "op_hall_conflict_by": {"zh": "已由 {station} 存档", "en": "filed by {station}"},
    "op_hall_conflict_refused": {"zh": "服务器拒收", "en": "refused by the server"},
    "op_hall_conflicts_more": {"zh": "另有 {n} 张……", "en": "{n} more…"},
    "op_hall_resolve": {"zh": "已处理", "en": "Done"},
    "op_hall_resolved": {"zh": "{number} 的冲突已标记为已处理", "en": "The conflict of {number} is marked as dealt with"},
    "op_hall_no_outbox": {"zh": "本机不用待发区（记录存在本机）", "en": "No outbox: the records are on this station"},
}
