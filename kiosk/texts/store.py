"""Sentences for STORE: the records store refused or failed (kiosk.store.lifecycle.TransitionError and
kiosk.store.errors codes, declared with their fields in kiosk.store.errors.STORE_CODES), by code, zh + en."""
from __future__ import annotations

STORE: dict[str, dict[str, str]] = {
    # status changes the lifecycle refuses
    "locked": {"zh": "该记录已导出并锁定，不能再更改。",
               "en": "A locked record has been exported and never changes."},
    "already_filed": {"zh": "该号码已有存档照片；需要先由工作人员标记为“需重新上传”。",
                      "en": "A picture is already filed; an operator must first mark the record for recapture."},
    "same_status": {"zh": "该记录已经是这个状态。", "en": "The record already has this status."},
    "lock_needs_filed": {"zh": "只有已上传或已重新上传的照片才能导出并锁定。",
                         "en": "Only a filed or re-filed picture can be exported and locked."},
    "refile_needs_recapture": {"zh": "只有工作人员要求重拍后，才能再次存档照片。",
                               "en": "A picture is filed again only after an operator asked for a recapture."},
    "first_already_filed": {"zh": "第一张照片已经存档。", "en": "The first picture has already been filed."},
    "recapture_needs_filed": {"zh": "只有已上传（未重新上传、未锁定）的记录才能要求重拍。",
                              "en": "Only a record with a filed (not re-filed or locked) picture can be sent back "
                                    "for recapture."},
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
}
