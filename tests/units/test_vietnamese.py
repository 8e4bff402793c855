import datetime

from sonmai.lib.vndate import long_date, place_date_line, short_date
from sonmai.lib.vntext import fold, nfc


def test_dates_are_written_with_two_digit_day_and_month():
    assert long_date(datetime.date(2026, 1, 7)) == "ngày 07 tháng 01 năm 2026"
    assert short_date(datetime.date(2025, 11, 28)) == "28/11/2025"
    assert (
        place_date_line("Sơn Mai", datetime.date(2026, 1, 7))
        == "Sơn Mai, ngày 07 tháng 01 năm 2026"
    )


def test_an_undated_draft_leaves_the_day_blank_but_keeps_month_and_year():
    line = place_date_line("Sơn Mai", None, month=1, year=2026)
    assert line.startswith("Sơn Mai, ngày ")
    assert line.endswith(" tháng 01 năm 2026")


def test_aware_datetimes_are_shown_in_vietnam_time():
    late_evening_utc = datetime.datetime(2026, 1, 6, 18, 30, tzinfo=datetime.UTC)
    assert long_date(late_evening_utc) == "ngày 07 tháng 01 năm 2026"


def test_folding_ignores_accents_case_and_the_letter_d_with_stroke():
    assert fold("Quán triệt") == "quan triet"
    assert fold("ĐẢNG") == fold("đảng") == "dang"
    assert fold("  Nhân   dân ") == "nhan dan"


def test_nfd_input_becomes_nfc():
    decomposed = "Quán triệt".encode().decode()  # already NFC
    import unicodedata

    nfd = unicodedata.normalize("NFD", decomposed)
    assert nfd != decomposed
    assert nfc(nfd) == decomposed
