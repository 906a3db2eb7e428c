"""Resident ID parsing: GB 11643 with MOD 11-2, input normalisation, Chinese errors."""
import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from common import resident_id
from common.resident_id import ResidentIDError

births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
address_codes = st.sampled_from(["370304", "500233", "500114", "530924", "110105", "440524"])

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize("number,birth,sex", [
    ("11010519491231002X", dt.date(1949, 12, 31), "F"),
    ("440524188001010014", dt.date(1880, 1, 1), "M"),
])
def test_published_examples_parse(number, birth, sex):
    parsed = resident_id.parse(number, today=dt.date(1999, 10, 1))  # the standard's year (GB 11643-1999)
    assert (parsed.number, parsed.birth_date, parsed.sex) == (number, birth, sex)


@given(address_codes, births, sequences)
def test_built_ids_parse_back_to_their_parts(address, birth, seq):
    number = resident_id.build(address, birth, seq)
    parsed = resident_id.parse(number)
    assert parsed.birth_date == birth
    assert parsed.sex == ("M" if seq % 2 else "F")
    assert parsed.address_code == address


@given(address_codes, births, sequences, st.sampled_from([" ", "\u3000", "\t", "\u00a0"]))
def test_full_width_spaces_and_lowercase_x_normalise(address, birth, seq, space):
    number = resident_id.build(address, birth, seq)
    messy = space.join([number[:6], number[6:14], number[14:]]).translate(FULL_WIDTH).replace("X", "x")
    assert resident_id.parse(messy).number == number


@given(address_codes, births, sequences, st.integers(0, 17), st.integers(1, 9))
def test_any_single_changed_character_is_rejected(address, birth, seq, position, delta):
    number = resident_id.build(address, birth, seq)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    wrong = alphabet[(alphabet.index(number[position]) + delta) % len(alphabet)]
    mutated = number[:position] + wrong + number[position + 1:]
    with pytest.raises(ResidentIDError):
        resident_id.parse(mutated)


@given(address_codes, births, sequences, st.integers(0, 16))
def test_swapped_neighbours_are_rejected(address, birth, seq, i):
    number = resident_id.build(address, birth, seq)
    if number[i] == number[i + 1] or (i == 16 and number[17] == "X"):
        return
    swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
    with pytest.raises(ResidentIDError):
        resident_id.parse(swapped)


@pytest.mark.parametrize("raw,message", [
    ("", "请填写身份证号码"),
    ("3703041990010112", "应为18位，当前为16位"),
    ("37030419900101123A5", "应为18位，当前为19位"),
    ("37030A199001011234", "第6位“A”不是数字"),
    ("370304199002301238", "出生日期19900230不是有效日期"),
    ("370304209901011236", "出生日期2099-01-01晚于今天"),
    ("37030419900101123Y", "最后一位应为数字或X"),
])
def test_errors_say_in_chinese_what_is_wrong(raw, message):
    with pytest.raises(ResidentIDError) as exc:
        resident_id.parse(raw)
    assert message in str(exc.value)


def test_wrong_check_character_names_the_expected_one():
    good = resident_id.build("370304", dt.date(1990, 1, 1), 123)
    bad_last = "0" if good[-1] != "0" else "1"
    with pytest.raises(ResidentIDError) as exc:
        resident_id.parse(good[:-1] + bad_last)
    assert f"最后一位应为{good[-1]}，而不是{bad_last}" in str(exc.value)


@given(address_codes, births, sequences)
def test_mask_keeps_first_six_and_last_four(address, birth, seq):
    number = resident_id.build(address, birth, seq)
    masked = resident_id.mask(number)
    assert masked == number[:6] + "********" + number[-4:]
    assert number[6:14] not in masked


@pytest.mark.parametrize("birth", [dt.date(1800, 1, 1), dt.date(1880, 1, 1), dt.date(1895, 12, 31)])
def test_a_birth_year_nobody_living_has_is_refused_in_chinese(birth):
    number = resident_id.build("370304", birth, 11)
    with pytest.raises(resident_id.ResidentIDError) as refused:
        resident_id.parse(number, today=dt.date(2026, 12, 3))
    assert f"出生年份{birth.year}" in str(refused.value) or str(birth.year) in str(refused.value)
    assert "不合理" in str(refused.value)
    assert resident_id.parse(resident_id.build("370304", dt.date(1897, 1, 1), 11),
                             today=dt.date(2026, 12, 3)).birth_date.year == 1897
