"""Sentences for IDENTITY: a typed or scanned number was refused (kiosk.store.identity.IdentityError codes, declared
with their fields in kiosk.store.identity.IDENTITY_CODES), by code, zh + en."""
from __future__ import annotations

IDENTITY: dict[str, dict[str, str]] = {
    "empty": {"zh": "没有输入号码。", "en": "The number is empty."},
    "too_long": {"zh": "号码超过 {max} 个字符。", "en": "The number is longer than {max} characters."},
    "bad_characters": {"zh": "号码只能包含字母、数字、“-”和“_”。",
                       "en": "Only letters, digits, '-' and '_' are allowed."},
    "id_digits": {"zh": "身份证号的前 17 位必须是数字。",
                  "en": "The first 17 characters of an ID number must be digits."},
    "id_shape": {"zh": "身份证号应为 17 位数字加 1 位数字或 X。",
                 "en": "An ID number has 17 digits followed by a digit or X."},
    "id_region": {"zh": "身份证号的地区码不存在。", "en": "The ID number's region code does not exist."},
    "id_birth_date_invalid": {"zh": "身份证号中的出生日期 {date} 不是有效日期。",
                              "en": "The ID number's birth date {date} is not a real date."},
    "id_birth_date_implausible": {"zh": "身份证号中的出生日期 {date} 不合理。",
                                  "en": "The ID number's birth date {date} is not plausible."},
    "id_check_digit": {"zh": "身份证号的校验位应为 {expected}，请核对后重新输入。",
                       "en": "The ID number's check digit should be {expected}; check the number and type it again."},
    "id_not_accepted": {"zh": "这里不接受身份证号，请输入本机要求的号码。",
                        "en": "ID numbers are not accepted here; type the number this kiosk asks for."},
    "not_accepted": {"zh": "这不是本机接受的号码，请核对后重新输入。",
                     "en": "This is not a number accepted here; check it and type it again."},
    "unsafe_file_name": {"zh": "由此号码生成的文件名不是普通文件名。",
                         "en": "The file name made from this number would not be a plain name."},
    "qr_empty": {"zh": "二维码是空的。", "en": "The QR code is empty."},
    "qr_too_long": {"zh": "二维码内容超过 {max} 个字符，不可能是采集码。",
                    "en": "The QR code's text is longer than {max} characters: it cannot be a collection code."},
    "reserved_name": {"zh": "这是系统保留的名称（如 CON、PRN），不能作为号码。",
                      "en": "This is a name the system reserves (such as CON or PRN), not a number."},
    "record_locked": {"zh": "这个号码的照片已经交给学校（已锁定），不能再拍。如需重拍，请联系工作人员。",
                      "en": "This number's photo has already been handed over (locked). To take a new one, please "
                            "ask the operator."},
    "record_filed": {"zh": "这个号码已经有存档的照片。如需重拍，请联系工作人员。",
                     "en": "This number already has a filed photo. To take a new one, please ask the operator."},
    "record_not_fileable": {"zh": "这个号码现在不能存档照片，请联系工作人员。",
                            "en": "No photo can be filed under this number now; please ask the operator."},
}
