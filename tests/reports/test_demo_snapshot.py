"""The demo report is built from the demo commune's assignments and their official buckets."""

import collections

import pytest

from directives.demo import load_demo_commune
from directives.models import Assignment
from reports import samples
from reports.demo import DEMO_PERIOD, DemoDataMissing, demo_snapshot, large_snapshot
from reports.snapshot import IndicatorTable, TaskResults, UnitTable


def blocks(snapshot, kind):
    return [
        block
        for entry in snapshot.outline()
        for block in entry.part.blocks
        if isinstance(block, kind)
    ]


@pytest.mark.django_db
def test_the_demo_report_counts_every_assignment_in_its_official_bucket():
    load_demo_commune(today=DEMO_PERIOD.data_to, password=None)
    snapshot = demo_snapshot()
    expected = collections.Counter(
        str(a.bucket(DEMO_PERIOD.data_to)) for a in Assignment.objects.all()
    )
    totals = snapshot.charts.bucket_totals
    assert {bucket: totals.get(bucket) for bucket in expected} == dict(expected)
    assert totals.total == Assignment.objects.count()
    (unit_table,) = blocks(snapshot, UnitTable)
    assert unit_table.totals == totals
    task_items = [item for block in blocks(snapshot, TaskResults) for item in block.items]
    assert [item.citation for item in task_items] == [
        "1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "3.1", "3.2"
    ]  # fmt: skip
    assert len(snapshot.appendix.task_columns) == 9
    # 18 units, of which the public-service centre has no share of this dispatch.
    assert len(snapshot.appendix.rows) == len(unit_table.rows) == 17
    assert snapshot.number_line == "Số: 05/BC-UBND"
    assert snapshot.signer.full_name == "Nguyễn Anh Tuấn"
    assert "Thôn 1 (mẫu)" in [row.unit_name for row in unit_table.rows]


@pytest.mark.django_db
def test_sample_content_is_flagged_and_real_content_is_not():
    load_demo_commune(today=DEMO_PERIOD.data_to, password=None)
    assert demo_snapshot().sample_data
    (table,) = blocks(demo_snapshot(), IndicatorTable)
    assert all(samples.SAMPLE_MARK in row.name for row in table.rows)
    own = demo_snapshot(indicators=(), issues=(), late_reasons={}, leadership=(), next_tasks=())
    assert not own.sample_data
    assert not blocks(own, IndicatorTable)


@pytest.mark.django_db
def test_the_vice_chairman_can_sign_the_demo_report():
    load_demo_commune(today=DEMO_PERIOD.data_to, password=None)
    snapshot = demo_snapshot(vice_chairman=True)
    assert snapshot.signer.authority_lines == (
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    )
    assert snapshot.signer.full_name == "Phạm Thị Hoa"


@pytest.mark.django_db
def test_without_the_demo_commune_the_demo_report_says_what_to_run():
    with pytest.raises(DemoDataMissing, match="load_demo_commune"):
        demo_snapshot()


def test_the_large_report_has_the_requested_size():
    snapshot = large_snapshot(units=7, tasks=45)
    assert len(snapshot.appendix.rows) == 7
    assert len(snapshot.appendix.task_columns) == 45
    assert snapshot.appendix.task_columns[20].citation == "2.1"
    assert snapshot.charts.bucket_totals.total == 7 * 45
    assert large_snapshot(units=7, tasks=45) == snapshot
