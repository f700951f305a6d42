"""Identity numbers: cleaning, ID-number check digits, classification, and 采集码 QR codes."""
from __future__ import annotations

import datetime as dt
import re

import cv2
import numpy as np
import pytest

from kiosk.store.identity import (MAX_IDENTITY_LEN, IdentityError, IdentityRules, classify_identity, clean_identity,
                            id_number_check_digit, is_valid_id_number, picture_file_name)
from kiosk.station.qr import decode_collection_code, payload_identity
from kiosk.texts import error_text
from profiles import get_profile

TODAY = dt.date(2026, 11, 23)


def make_id(region: str = "110105", born: str = "19900307", seq: str = "123") -> str:
    first17 = region + born + seq
    return first17 + id_number_check_digit(first17)


# --- check digit ---------------------------------------------------------------------------------------------------

def test_check_digit_of_the_standards_example() -> None:
    assert id_number_check_digit("11010519491231002") == "X"
    assert id_number_check_digit("44052418800101001") == "4"


def test_check_digit_by_hand() -> None:
    first17 = "34052419800101001"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    expected = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]
    assert id_number_check_digit(first17) == expected


@pytest.mark.parametrize("bad", ["1101051949123100", "110105194912310021", "1101051949123100A", "１１０１０５１９４９１２３１００２"])
def test_check_digit_needs_17_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        id_number_check_digit(bad)


def test_valid_id_numbers() -> None:
    assert is_valid_id_number("11010519491231002X")
    assert is_valid_id_number("11010519491231002x")  # lower-case x is typed on keyboards
    assert is_valid_id_number(make_id(born="20000229"), today=TODAY)


@pytest.mark.parametrize("bad", [
    "110105194912310021",  # wrong check digit
    make_id(born="19901332"),  # no such date
    make_id(born="20010229"),  # not a leap year
    make_id(born="18991231"),  # too old
    make_id(born="20301231"),  # not born yet
    make_id(region="910105"),  # no such region
    "11010519491231002",  # 17 characters
    "11010519491231002XX",
    "1101051949123100X2",
    "",
])
def test_invalid_id_numbers(bad: str) -> None:
    assert not is_valid_id_number(bad, today=TODAY)


# --- classification ------------------------------------------------------------------------------------------------

def test_classify_kinds() -> None:
    assert classify_identity("11010519491231002X") == "id_number"
    assert classify_identity(" 11010519491231002x ") == "id_number"
    assert classify_identity("2023001") == "student"
    assert classify_identity("S2023A01") == "student"
    assert classify_identity("12345678901234") == "registration"  # NCRE, 14 digits
    assert classify_identity("123456789012") == "registration"  # zikao, 12 digits
    assert classify_identity("123456789012345") == "registration"  # CET, 15 digits
    assert classify_identity("QR-0123456789ABCDEF") == "collection_code"


def test_an_id_shaped_number_must_pass_its_check_digit() -> None:
    with pytest.raises(IdentityError) as err:
        classify_identity("110105194912310021")
    assert err.value.code == "id_check_digit" and err.value.fields == {"expected": "X"}
    assert "check digit should be X" in error_text(err.value, "en") and "校验位应为 X" in error_text(err.value, "zh")
    with pytest.raises(IdentityError) as err:
        classify_identity(make_id(born="19901332"))
    assert err.value.code == "id_birth_date_invalid" and "birth date 19901332" in error_text(err.value, "en")


def test_check_digit_message_names_the_right_digit() -> None:
    good = make_id()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(IdentityError) as err:
        classify_identity(wrong)
    assert f"should be {good[17]}" in error_text(err.value, "en")


def test_unknown_shapes_are_refused_with_a_reason() -> None:
    assert _reason("AB1") == "not_accepted"  # too short for a student number
    assert _reason("A" * 21 + "!") == "bad_characters"  # not even a clean code: the cleaning reason
    assert _reason("A-B") == "not_accepted"
    with pytest.raises(IdentityError) as err:
        classify_identity("A-B")
    assert "not a number accepted here" in error_text(err.value, "en")


def _reason(text: str) -> str:
    with pytest.raises(IdentityError) as err:
        classify_identity(text)
    return err.value.code


def test_rules_are_configurable() -> None:
    school = IdentityRules(student=(r"20[0-9]{6}",), registration=(), kinds=("student", "id_number"))
    assert classify_identity("20230001", school) == "student"
    with pytest.raises(IdentityError) as err:
        classify_identity("2023001", school)
    assert err.value.code == "not_accepted" and err.value.fields["kinds"] == ("id_number", "student")
    with pytest.raises(IdentityError):
        classify_identity("12345678901234", school)
    no_ids = IdentityRules(kinds=("student",))
    with pytest.raises(IdentityError) as err:
        classify_identity("11010519491231002X", no_ids)
    assert err.value.code == "id_not_accepted"


# --- sanitising ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "../../etc/passwd", "..", "a/../b", "..\\windows", "abc/def", "abc\\def", "/abs", "C:\\x", "2023001\x00.jpg",
    "20230\x0001", "2023\n001", "2023\t001", "2023 001", ".hidden", "-rf", "_x", "20230０1／..", "2023／001",
    "2023＼001", "2023．．", "2023\u202e001", "2023\u200b001", "ﬁ2023", "2023%2F", "x" * (MAX_IDENTITY_LEN + 1),
    "9" * 10_000, "", "   ", "学号2023",
])
def test_unsafe_text_never_becomes_an_identity(raw: str) -> None:
    with pytest.raises(IdentityError):
        clean_identity(raw)
    with pytest.raises(IdentityError):
        classify_identity(raw)


def test_cleaning_keeps_safe_codes() -> None:
    assert clean_identity(" 11010519491231002x ") == "11010519491231002X"
    assert clean_identity("ab-12_c") == "AB-12_C"
    assert clean_identity("２０２３００１") == "2023001"  # full-width digits from a Chinese input method
    assert clean_identity("x" * MAX_IDENTITY_LEN) == "X" * MAX_IDENTITY_LEN


def test_file_names_stay_plain() -> None:
    profile = get_profile("chsi-graduation")
    name = picture_file_name(profile, "11010519491231002x", TODAY)
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert "11010519491231002X" in name
    with pytest.raises(IdentityError):
        picture_file_name(profile, "../x", TODAY)


# --- 采集码 QR codes --------------------------------------------------------------------------------------------

PAYLOAD = "CJM:v2:Zk9xQ3J5cHRlZA+/kP1a7d==|8f3e2c"  # shaped like an opaque encrypted string


def camera_frame_with_qr(payload: str, seed: int = 7, mirrored: bool = False) -> np.ndarray:
    """A 1280×720 camera-like frame: a textured grey scene, the QR code on a white card, noise and blur."""
    rng = np.random.default_rng(seed)
    h, w = 720, 1280
    ys, xs = np.mgrid[0:h, 0:w]
    scene = 90 + 40 * np.sin(xs / 57.0) * np.cos(ys / 43.0) + rng.normal(0, 6, (h, w))
    frame = np.dstack([scene * 0.9, scene, scene * 1.1])
    code = cv2.QRCodeEncoder.create().encode(payload)
    code = cv2.copyMakeBorder(code, 4, 4, 4, 4, cv2.BORDER_CONSTANT, value=255)  # the quiet zone
    side = 300
    code = cv2.resize(code, (side, side), interpolation=cv2.INTER_NEAREST).astype(np.float64)
    if mirrored:
        code = code[:, ::-1]
    top, left = 260, 700
    card = np.full((side + 40, side + 40), 235.0)
    card[20:20 + side, 20:20 + side] = code * (220 / 255) + 15
    frame[top - 20:top + side + 20, left - 20:left + side + 20] = card[..., None]
    frame = cv2.GaussianBlur(frame, (5, 5), 1.2) + rng.normal(0, 8, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8)


def test_qr_is_decoded_from_a_camera_frame() -> None:
    assert decode_collection_code(camera_frame_with_qr(PAYLOAD)) == PAYLOAD


def test_qr_seen_in_a_mirror_is_decoded() -> None:
    assert decode_collection_code(camera_frame_with_qr(PAYLOAD, mirrored=True)) == PAYLOAD


def test_frame_without_qr_gives_none() -> None:
    frame = camera_frame_with_qr(PAYLOAD)
    frame[200:700, 650:1050] = 120
    assert decode_collection_code(frame) is None
    assert decode_collection_code(np.zeros((720, 1280, 3), np.uint8)) is None


def test_payload_identity_is_safe_and_stable() -> None:
    key = payload_identity(PAYLOAD)
    assert re.fullmatch(r"QR-[0-9A-F]{16}", key)
    assert payload_identity(PAYLOAD) == key
    assert payload_identity(PAYLOAD + "x") != key
    assert clean_identity(key) == key
    assert classify_identity(key) == "collection_code"
    assert payload_identity(" abc123 ") == "ABC123"
    for nasty in ("../../etc/passwd", "a\x00b", "／..／", "x" * 500):
        assert re.fullmatch(r"QR-[0-9A-F]{16}", payload_identity(nasty))
    with pytest.raises(IdentityError) as err:
        payload_identity("   ")
    assert err.value.code == "qr_empty"
    with pytest.raises(IdentityError) as err:
        payload_identity("x" * 5000)
    assert err.value.code == "qr_too_long" and "4096" in error_text(err.value, "en")


# --- the one validation (keypad, QR, --identity) ---------------------------------------------------------------------

from kiosk.store.identity import (DEFAULT_RULES, RESERVED_NAMES, SOURCES, filing_problem, mask_identity,  # noqa: E402
                                  pattern_admits_letters, validate_identity)
from kiosk.store.lifecycle import Status  # noqa: E402


def _refusal(raw: str, source: str = "keypad", rules: IdentityRules = DEFAULT_RULES) -> str:
    with pytest.raises(IdentityError) as err:
        validate_identity(raw, rules, source, today=TODAY)
    return err.value.code


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("raw, code", [
    ("", "empty"), ("   ", "empty"), ("A", "not_accepted"), ("CON", "reserved_name"), ("con", "reserved_name"),
    ("Prn", "reserved_name"), ("aux", "reserved_name"), ("NUL", "reserved_name"), ("com1", "reserved_name"),
    ("COM9", "reserved_name"), ("lpt5", "reserved_name"), ("110105194912310021", "id_check_digit"),
    ("12345", "not_accepted"),  # 5 characters: shorter than any student number
    ("ABCDEFGH", "not_accepted"),  # letters only: a name, not a number
    ("11010519491231002", "id_shape"), ("1101051949123100X", "id_shape"),  # an ID number with a digit missed
    ("1101051949123100211", "id_shape"),  # ... or doubled
])
def test_every_source_refuses_the_same_numbers_for_the_same_reason(source: str, raw: str, code: str) -> None:
    assert _refusal(raw, source) == code


@pytest.mark.parametrize("source", SOURCES)
def test_every_source_accepts_the_same_numbers(source: str) -> None:
    assert validate_identity("2023001", source=source).kind == "student"
    assert validate_identity("s2023a01", source=source).code == "S2023A01"
    assert validate_identity("202301", source=source).kind == "student"  # 6 characters
    assert validate_identity("2" * 11 + "A" * 9, source=source).kind == "student"  # 20 characters
    assert validate_identity("12345678901234", source=source).kind == "registration"
    assert validate_identity("11010519491231002x", source=source).code == "11010519491231002X"
    assert validate_identity("COM10" + "1", source=source).code == "COM101"  # not a reserved name


def test_reserved_names_are_every_device_name_in_any_case() -> None:
    assert RESERVED_NAMES == {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
                              *(f"LPT{n}" for n in range(1, 10))}
    for name in RESERVED_NAMES:
        with pytest.raises(IdentityError) as err:
            clean_identity(name.lower())
        assert err.value.code == "reserved_name"
    assert "CON" in error_text(IdentityError("reserved_name"), "en")


def test_a_collection_code_is_scanned_not_typed() -> None:
    code = "CJM2023ABCDEF0123456789"  # 23 characters: only the collection-code pattern takes it
    assert _refusal(code, "keypad") == "not_accepted"
    assert _refusal("2" * 21, "keypad") == "not_accepted"  # 21 digits typed: too long for any typed number
    assert validate_identity(code, source="qr").kind == "collection_code"
    assert validate_identity(code, source="command").kind == "collection_code"
    with pytest.raises(ValueError):
        validate_identity("2023001", source="fax")


def test_the_patterns_stay_configurable() -> None:
    digits = IdentityRules(student=(r"20[0-9]{6}",))
    assert validate_identity("20230001", digits).kind == "student"
    assert _refusal("S2023A01", rules=digits) == "not_accepted"
    letters_only = IdentityRules(student=(r"[A-Z]{6}",), kinds=("student",))
    assert validate_identity("abcdef", letters_only).code == "ABCDEF"


def test_qr_payloads_go_through_the_same_validation() -> None:
    assert payload_identity("2023001") == "2023001"
    with pytest.raises(IdentityError) as err:
        payload_identity("110105194912310021")  # an ID number with a wrong check digit is refused, not hidden
    assert err.value.code == "id_check_digit"
    assert re.fullmatch(r"QR-[0-9A-F]{16}", payload_identity("CON"))  # not a number: an opaque code, hashed
    assert re.fullmatch(r"QR-[0-9A-F]{16}", payload_identity("A"))
    no_codes = IdentityRules(kinds=("student",))
    assert payload_identity("2023001", no_codes) == "2023001"
    with pytest.raises(IdentityError) as err:
        payload_identity(PAYLOAD, no_codes)  # collection codes not accepted at this station
    assert err.value.code == "not_accepted"


# --- masking ---------------------------------------------------------------------------------------------------------

def test_an_id_number_is_masked_to_its_first_six_and_last_four() -> None:
    assert mask_identity("11010519491231002X") == "110105********002X"
    assert mask_identity("11010519491231002x") == "110105********002X"
    assert validate_identity("11010519491231002X").shown == "110105********002X"
    number = make_id()
    assert mask_identity(number) == number[:6] + "********" + number[-4:]
    assert number[6:14] not in mask_identity(number)  # the birth date never shows


@pytest.mark.parametrize("code", ["2023001", "S2023A01", "12345678901234", "QR-0123456789ABCDEF", "", "1" * 17])
def test_other_numbers_are_shown_as_they_are(code: str) -> None:
    assert mask_identity(code) == code


# --- letters on the keypad -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, letters", [
    (r"(?=[0-9A-Z]*[0-9])[0-9A-Z]{6,20}", True), (r"20[0-9]{6}", False), (r"\d{8}", False), (r"[0-9xX]{5}", False),
    (r"S\d{7}", True), (r"[A-Z]{2}\d{6}", True), (r"\w+", True), (r".{6}", True), (r"[^0-9]{3}", True),
    (r"(?:20|21)\d{6}", False), (r"20\d{6}|B\d{6}", True), (r"(?i)[a-c]\d+", True), (r"\d{6}(?=A)", False),
    (r"[", True),  # cannot be read: show the letters
])
def test_whether_a_pattern_needs_letters_typed(pattern: str, letters: bool) -> None:
    assert pattern_admits_letters(pattern) is letters


def test_the_rules_say_when_the_keypad_needs_letters() -> None:
    assert DEFAULT_RULES.typed_letters()  # default student numbers are letters and digits
    assert not IdentityRules(student=(r"20[0-9]{6}",)).typed_letters()
    assert not IdentityRules(student=(r"S\d{7}",), kinds=("id_number", "registration")).typed_letters()
    assert IdentityRules(student=(r"\d{8}",), registration=(r"K\d{9}",)).typed_letters()


# --- whether a picture can be filed under a number -------------------------------------------------------------------

def test_a_number_whose_record_takes_no_picture_is_refused_with_a_reason() -> None:
    assert filing_problem("2023001", None) is None  # no record yet
    assert filing_problem("2023001", Status.NOT_UPLOADED) is None
    assert filing_problem("2023001", Status.NEEDS_RECAPTURE) is None
    assert filing_problem("2023001", Status.LOCKED).code == "record_locked"
    assert filing_problem("2023001", Status.FILED).code == "record_filed"
    assert filing_problem("2023001", Status.RECAPTURED).code == "record_filed"
    for lang in ("zh", "en"):
        assert "2023001" not in error_text(filing_problem("2023001", Status.LOCKED), lang)  # never the number
    assert "handed over" in error_text(IdentityError("record_locked"), "en")
    assert "已锁定" in error_text(IdentityError("record_locked"), "zh")
