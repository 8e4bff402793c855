"""The frozen snapshot: JSON round trip, canonical form, invariants and what it prints."""

import datetime
import json

import pytest

from directives.choices import Bucket
from reports.demo import VICE_CHAIRMAN_LINES, large_snapshot
from reports.snapshot import (
    BucketCounts,
    Paragraph,
    ReportSnapshot,
    Signer,
    SnapshotError,
    part_label,
)
from tests.reports.conftest import small_snapshot


def test_a_snapshot_survives_a_json_round_trip_unchanged(demo):
    for snapshot in (demo, small_snapshot(), large_snapshot(units=5, tasks=7)):
        again = ReportSnapshot.from_json(snapshot.to_json())
        assert again == snapshot
        assert again.to_json() == snapshot.to_json()


def test_the_json_is_canonical_and_the_fingerprint_follows_the_content():
    first, second = small_snapshot(), small_snapshot()
    assert first.to_json() == second.to_json()
    assert first.fingerprint() == second.fingerprint()
    assert small_snapshot(number=13).fingerprint() != first.fingerprint()
    data = json.loads(first.to_json())
    assert list(data) == sorted(data)
    assert data["signed_at"] == "2026-01-07T09:30:15+07:00"


def test_blocks_are_tagged_with_their_kind_in_the_json():
    data = small_snapshot().to_dict()

    def kinds_in(parts):
        for part in parts:
            yield from (block["kind"] for block in part["blocks"])
            yield from kinds_in(part["parts"])

    kinds = set(kinds_in(data["body"]))
    assert {"paragraph", "task_results", "unit_table", "chart"} <= kinds


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"number": 5, "issued_on": None}, "number and its date together"),
        ({"number": 0}, "start at 01"),
        ({"year": 2025}, "sequence is per year"),
        # Naive on purpose: the snapshot must refuse a signing time without a time zone.
        ({"signed_at": datetime.datetime(2026, 1, 7, 9, 30)}, "time zone"),  # noqa: DTZ001
        ({"recipients": ()}, "at least one addressee"),
    ],
)
def test_a_snapshot_refuses_what_a_report_cannot_be(change, message):
    with pytest.raises(SnapshotError, match=message):
        small_snapshot(**change)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["body"][0]["parts"][0]["blocks"][0].update(kind="poem"), "Unknown block"),
        (lambda d: d.update(number="05"), "Expected int"),
        (lambda d: d.update(issued_on="07/01/2026"), "Not an ISO date"),
        (lambda d: d.pop("subject"), "lacks subject"),
        (lambda d: d.update(colour="red"), "unknown keys"),
    ],
)
def test_malformed_json_is_refused_with_a_clear_error(mutate, message):
    data = small_snapshot().to_dict()
    mutate(data)
    with pytest.raises(SnapshotError, match=message):
        ReportSnapshot.from_dict(data)


def test_numbers_below_ten_get_a_leading_zero_and_drafts_leave_a_blank():
    assert small_snapshot(number=5).number_line == "Số: 05/BC-UBND"
    assert small_snapshot(number=12).number_line == "Số: 12/BC-UBND"
    draft = small_snapshot(number=None, issued_on=None, signed_at=None)
    assert draft.is_draft
    assert draft.number_line == "Số: \u2003\u2003\u2003/BC-UBND"


def test_the_place_and_date_line_pads_day_and_month():
    assert small_snapshot().place_date_line == "Sơn Mai, ngày 07 tháng 01 năm 2026"
    draft = small_snapshot(number=None, issued_on=None, signed_at=None)
    assert draft.place_date_line.startswith("Sơn Mai, ngày ")
    assert draft.place_date_line.endswith("năm 2026")
    assert "07" not in draft.place_date_line


def test_the_last_sentence_ends_with_the_decree_mark():
    assert small_snapshot().closing_paragraphs[-1].endswith("kính báo cáo./.")
    snapshot = small_snapshot(closing=("Đoạn một.", "Đoạn hai./."))
    assert snapshot.closing_paragraphs == ("Đoạn một.", "Đoạn hai./.")


def test_addressees_and_recipients_are_punctuated_like_the_decree():
    one = small_snapshot()
    assert one.recipient_lines == ("Ủy ban nhân dân tỉnh Quảng Ngãi (qua Sở Nội vụ).",)
    several = small_snapshot(recipients=("UBND tỉnh Quảng Ngãi", "Sở Nội vụ tỉnh Quảng Ngãi"))
    assert several.recipient_lines == ("- UBND tỉnh Quảng Ngãi;", "- Sở Nội vụ tỉnh Quảng Ngãi.")
    assert one.distribution_lines == ("- Như trên;", "- CT, các PCT UBND xã;", "- Lưu: VT, VHXH.")


def test_the_body_is_numbered_roman_then_arabic_then_letters():
    labels = [(entry.label, entry.depth) for entry in small_snapshot().outline()]
    assert labels[:4] == [("I.", 0), ("1.", 1), ("2.", 1), ("a)", 2)]
    assert [label for label, depth in labels if depth == 0] == ["I.", "II.", "III.", "IV."]
    assert part_label(0, 8) == "IX."
    with pytest.raises(SnapshotError):
        part_label(3, 0)


def test_bucket_counts_add_up_and_round_the_share_done_half_up():
    counts = BucketCounts.of([Bucket.DONE_ON_TIME, Bucket.DONE_LATE, Bucket.OVERDUE, "ongoing"])
    assert counts.total == 4 and counts.done == 2 and counts.percent_done == 50
    assert BucketCounts(done_on_time=1, in_progress=7).percent_done == 13  # 12.5 → 13
    assert BucketCounts().percent_done == 0
    assert (counts + counts).overdue == 2
    assert counts.summary() == (
        "Giao 4 lượt đơn vị: 1 đã hoàn thành đúng hạn, 1 đã hoàn thành quá hạn, "
        "1 đang thực hiện quá hạn, 1 thường xuyên."
    )


def test_the_signing_time_prints_in_iso_8601_with_the_vietnamese_offset():
    utc = datetime.datetime(2026, 1, 7, 2, 30, 15, 123456, tzinfo=datetime.UTC)
    assert small_snapshot(signed_at=utc).signed_at_iso == "2026-01-07T09:30:15+07:00"
    assert small_snapshot(signed_at=None).signed_at_iso == ""


def test_the_vice_chairman_signs_for_the_chairman():
    signer = Signer(VICE_CHAIRMAN_LINES, "Phạm Thị Hoa")
    assert signer.position == "PHÓ CHỦ TỊCH"
    assert signer.competence == "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH"


def test_text_is_stored_in_nfc():
    decomposed = "Tho\u0302n Đo\u0302\u0300ng"  # "Thôn Đồng" with combining marks
    snapshot = small_snapshot(introduction=(decomposed,))
    again = ReportSnapshot.from_json(snapshot.to_json())
    assert again.introduction == ("Thôn Đồng",)

    assert Paragraph("Thôn Đồng").kind == "paragraph"
