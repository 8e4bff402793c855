"""The dashboard's numbers against a commune counted by hand, and the actions taken from it."""

import datetime
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives import dashboard
from directives.choices import AssignmentStatus, Bucket, Cadence, ConcernStatus, ReviewState
from directives.figures import Figures
from directives.models import Assignment, Concern, ExplanationRequest, ProgressUpdate, Urging
from directives.periods import parse_key
from directives.services.progress import ProgressInput, return_update, submit_progress
from tests import factories as f
from units.choices import Role, UnitKind

D = datetime.date
TODAY = D(2026, 2, 10)  # a Tuesday
NOW = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=NOW.tzinfo)


@pytest.fixture
def commune(db):
    """Three units, four tasks, ten assignments whose classification is worked out by hand."""
    org = f.OrganisationFactory()
    h1 = f.HamletFactory(organisation=org, name="Thôn Một", position=1)
    h2 = f.HamletFactory(organisation=org, name="Thôn Hai", position=2)
    dep = f.UnitFactory(organisation=org, name="Phòng Kinh tế", position=3)
    directive = f.DirectiveFactory(organisation=org)
    section = f.SectionFactory(directive=directive, number=1)
    t0, t1, t2, t3 = (f.TaskFactory(section=section, number=n) for n in range(1, 5))
    officer = f.UserFactory(organisation=org, role=Role.MONITORING_OFFICER, unit=dep)
    h2_head = f.UserFactory(organisation=org, role=Role.HAMLET_HEAD, unit=h2)

    def assign(task, unit, due, **state):
        cadence = Cadence.MONTHLY if due is None else Cadence.NONE
        return f.AssignmentFactory(
            task=task, unit=unit, due_date=due, cadence=cadence, assigned_on=D(2026, 1, 1), **state
        )

    done = AssignmentStatus.DONE
    going = AssignmentStatus.IN_PROGRESS
    a = {
        "h1t0": assign(
            t0, h1, D(2026, 2, 5), status=done, percent_done=100, completed_on=D(2026, 2, 5)
        ),
        "h1t1": assign(
            t1, h1, D(2026, 3, 31), status=done, percent_done=100, completed_on=D(2026, 2, 1)
        ),
        "h1t2": assign(t2, h1, TODAY, status=going, percent_done=90),
        "h1t3": assign(t3, h1, None, status=going, percent_done=50),
        "h2t0": assign(
            t0, h2, D(2026, 2, 5), status=done, percent_done=100, completed_on=D(2026, 2, 7)
        ),
        "h2t1": assign(t1, h2, D(2026, 3, 31)),
        "h2t2": assign(t2, h2, TODAY),
        "dt0": assign(t0, dep, D(2026, 2, 5), status=going, percent_done=50),
        "dt1": assign(t1, dep, D(2026, 3, 31), status=going, percent_done=10),
        "dt3": assign(t3, dep, None, status=going, percent_done=20),
    }
    with time_machine.travel(at(D(2026, 2, 1)), tick=False):
        f.ProgressUpdateFactory(
            assignment=a["h1t1"],
            author=officer,
            status=done,
            percent_done=100,
            completed_on=D(2026, 2, 1),
        )
    with time_machine.travel(at(D(2026, 1, 10)), tick=False):
        f.ProgressUpdateFactory(
            assignment=a["dt0"], author=officer, review_state=ReviewState.ACCEPTED
        )
    # Thôn Hai said it was done, the office sent it back: it counts as 30 %, in progress.
    with time_machine.travel(at(D(2026, 2, 8)), tick=False):
        submit_progress(
            a["h2t2"],
            actor=h2_head,
            token=uuid.uuid4(),
            base_version=a["h2t2"].version,
            data=ProgressInput(results="Đang làm", status=going, percent_done=30),
        )
    with time_machine.travel(at(D(2026, 2, 9)), tick=False):
        a["h2t2"].refresh_from_db()
        done_update = submit_progress(
            a["h2t2"],
            actor=h2_head,
            token=uuid.uuid4(),
            base_version=a["h2t2"].version,
            data=ProgressInput(
                results="Xong", status=done, percent_done=100, completed_on=D(2026, 2, 9)
            ),
        )
        return_update(done_update, actor=officer, reason="Chưa có biên bản")
    return {
        "org": org,
        "officer": officer,
        "units": (h1, h2, dep),
        "a": a,
        "directive": directive,
        "h2_head": h2_head,
    }


def filtered(commune, **filters):
    with time_machine.travel(NOW, tick=False):
        return dashboard.filtered_assignments(
            commune["officer"], dashboard.Filters(**filters), TODAY
        )


def test_totals_follow_the_hand_count_including_boundary_days_and_a_returned_update(commune):
    totals = Figures(filtered(commune), TODAY).bucket_totals()
    assert totals == {
        Bucket.DONE_ON_TIME: 2,  # Thôn Một: finished on the due date itself, and early
        Bucket.DONE_LATE: 1,  # Thôn Hai finished two days late
        Bucket.IN_PROGRESS: 3,  # due today is still within the deadline; the returned one
        Bucket.OVERDUE: 1,  # Phòng Kinh tế, due five days ago
        Bucket.NOT_STARTED: 1,
        Bucket.ONGOING: 2,
    }
    assert Assignment.objects.get(pk=commune["a"]["h2t2"].pk).percent_done == 30


def test_table_by_unit(commune):
    data = dashboard.overview(Figures(filtered(commune), TODAY))
    rows = {row.unit.name: row for row in data.unit_rows}
    assert [r.unit.name for r in data.unit_rows] == ["Thôn Một", "Thôn Hai", "Phòng Kinh tế"]
    assert (rows["Thôn Một"].assigned, rows["Thôn Một"].done, rows["Thôn Một"].behind) == (4, 2, 0)
    assert rows["Thôn Hai"].buckets[Bucket.DONE_LATE] == 1
    assert rows["Thôn Hai"].behind == 2  # 30 % on its due day; 0 % with 45 % of the time gone
    assert rows["Phòng Kinh tế"].behind == 1  # 10 % with 45 % of the time gone
    assert rows["Phòng Kinh tế"].average_percent == round((50 + 10 + 20) / 3)
    assert rows["Thôn Hai"].last_update.date() == D(2026, 2, 8)  # the returned one does not count
    assert len(data.tasks) == 4
    cells = {row.unit.name: cells for row, cells in data.matrix}
    assert cells["Phòng Kinh tế"][2] is None  # no assignment for the third task
    assert cells["Thôn Một"][0].current_bucket == Bucket.DONE_ON_TIME


def test_filters_by_unit_kind_bucket_and_period(commune):
    hamlets = Figures(filtered(commune, unit_kind="hamlet"), TODAY).bucket_totals()
    assert sum(hamlets.values()) == 7 and hamlets[Bucket.OVERDUE] == 0
    assert filtered(commune, bucket="overdue").get().unit.name == "Phòng Kinh tế"
    february = parse_key("2026-02")  # data window 15/01–14/02
    assert filtered(commune, period=february).count() == 7  # due 05/02 and 10/02, plus ongoing
    assert filtered(commune, q="thon hai").count() == 3


def test_units_that_have_not_reported_in_the_period(commune):
    february = parse_key("2026-02")  # 15/01–14/02

    def not_reported():
        figures = Figures(filtered(commune), TODAY)
        return [u.name for u in figures.units_not_reported(february.start, through=february.end)]

    assert not_reported() == ["Phòng Kinh tế"]  # its only update is from 10/01, before the window
    first = ProgressUpdate.objects.filter(assignment=commune["a"]["h2t2"]).earliest(
        "created_at", "id"
    )
    with time_machine.travel(NOW, tick=False):
        return_update(first, actor=commune["officer"], reason="Thiếu số liệu")
    assert not_reported() == ["Thôn Hai", "Phòng Kinh tế"]  # returned updates count for nothing


def test_share_done_week_by_week(commune):
    weeks = dict(Figures(filtered(commune), TODAY).weekly_share_done())
    assert max(weeks) == TODAY  # the line stops on the day the figures stop
    assert weeks[TODAY] == pytest.approx(37.5)  # 3 of 8 dated assignments
    assert weeks[D(2026, 2, 1)] == pytest.approx(12.5)
    assert weeks[D(2026, 1, 25)] == 0


def test_leaders_see_the_dashboard_read_only_and_units_only_their_line(commune, client_for):
    chairman = f.UserFactory(organisation=commune["org"], role=Role.CHAIRMAN)
    with time_machine.travel(NOW, tick=False):
        page = client_for(chairman).get(reverse("directives:dashboard")).content.decode()
        unit_page = (
            client_for(commune["h2_head"]).get(reverse("directives:dashboard")).content.decode()
        )
    assert "Thôn Một" in page and "Đôn đốc đơn vị quá hạn" not in page
    assert "Thôn Hai" in unit_page and "Thôn Một" not in unit_page


def test_every_number_opens_its_list(commune, client_for):
    client = client_for(commune["officer"])
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("directives:dashboard"), {"loai": "hamlet"}).content.decode()
        assert "loai=hamlet&amp;phan_loai=done_on_time" in page
        listing = client.get(
            reverse("directives:dashboard_assignments"),
            {"loai": "hamlet", "phan_loai": "done_on_time"},
        ).content.decode()
    assert listing.count("bucket-edge-done_on_time") == 2


def build(units: int, tasks: int):
    org = f.OrganisationFactory()
    unit_list = [f.UnitFactory(organisation=org, kind=UnitKind.HAMLET) for _ in range(units)]
    directive = f.DirectiveFactory(organisation=org)
    section = f.SectionFactory(directive=directive, number=1)
    rows = []
    for number in range(1, tasks + 1):
        task = f.TaskFactory(section=section, number=number)
        rows += [
            Assignment(
                task=task,
                unit=u,
                due_date=D(2026, 2, 1 + number % 20),
                assigned_on=D(2026, 1, 1),
                status=AssignmentStatus.IN_PROGRESS if number % 2 else AssignmentStatus.NOT_STARTED,
            )
            for u in unit_list
        ]
    Assignment.objects.bulk_create(rows, batch_size=2000)
    return f.UserFactory(organisation=org, role=Role.MONITORING_OFFICER, unit=unit_list[0])


@pytest.mark.django_db
def test_dashboard_queries_are_the_same_for_small_and_large_communes(client_for):
    counts = []
    for units, tasks in [(10, 10), (60, 200)]:
        client = client_for(build(units, tasks))
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as context:
            assert client.get(reverse("directives:dashboard")).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1], counts


class TestActing:
    def test_officer_urges_late_units_and_it_is_logged(self, commune, client_for):
        late = commune["a"]["dt0"]
        response = client_for(commune["officer"]).post(
            reverse("directives:urge_units"),
            {"phan_cong": [late.pk], "message": "Đề nghị khẩn trương hoàn thành."},
        )
        assert response.status_code == 302
        assert Urging.objects.get().assignment == late

    def test_urging_without_a_message_keeps_the_choice(self, commune, client_for):
        late = commune["a"]["dt0"]
        response = client_for(commune["officer"]).post(
            reverse("directives:urge_units"), {"phan_cong": [late.pk], "message": ""}
        )
        assert response.status_code == 200
        assert "Phòng Kinh tế" in response.content.decode()
        assert not Urging.objects.exists()

    def test_leaders_and_units_cannot_urge(self, commune, client_for):
        chairman = f.UserFactory(organisation=commune["org"], role=Role.CHAIRMAN)
        for person in (chairman, commune["h2_head"]):
            response = client_for(person).post(
                reverse("directives:urge_units"),
                {"phan_cong": [commune["a"]["dt0"].pk], "message": "x"},
            )
            assert response.status_code == 403
        assert not Urging.objects.exists()

    def test_explanation_is_demanded_answered_and_kept_on_the_task(self, commune, client_for):
        late = commune["a"]["h2t1"]
        with time_machine.travel(NOW, tick=False):
            response = client_for(commune["officer"]).post(
                reverse("directives:explanation_request", args=[late.pk]),
                {"question": "Vì sao chưa triển khai?", "answer_due": "2026-02-15"},
            )
            assert response.status_code == 302
            explanation = ExplanationRequest.objects.get()
            response = client_for(commune["h2_head"]).post(
                reverse("directives:explanation_detail", args=[explanation.pk]),
                {"answer": "Thôn chờ kinh phí tổ chức hội nghị."},
            )
            assert response.status_code == 302
            page = (
                client_for(commune["officer"])
                .get(reverse("directives:assignment_detail", args=[late.pk]))
                .content.decode()
            )
        assert "Thôn chờ kinh phí tổ chức hội nghị." in page

    def test_only_the_unit_answers_an_explanation(self, commune, client_for):
        explanation = ExplanationRequest.objects.create(
            assignment=commune["a"]["h2t1"],
            requested_by=commune["officer"],
            question="Vì sao?",
            answer_due=TODAY,
        )
        url = reverse("directives:explanation_detail", args=[explanation.pk])
        assert client_for(commune["officer"]).post(url, {"answer": "x"}).status_code == 403
        h1_head = f.UserFactory(
            organisation=commune["org"], role=Role.HAMLET_HEAD, unit=commune["units"][0]
        )
        assert client_for(h1_head).post(url, {"answer": "x"}).status_code == 404


class TestConcerns:
    def test_difficulties_become_concerns_that_are_answered_and_escalated(
        self, commune, client_for
    ):
        assignment = commune["a"]["h2t1"]
        with time_machine.travel(NOW, tick=False):
            update = submit_progress(
                assignment,
                actor=commune["h2_head"],
                token=uuid.uuid4(),
                base_version=assignment.version,
                data=ProgressInput(
                    results="Đã họp",
                    status="in_progress",
                    percent_done=10,
                    difficulties="Thiếu hội trường",
                    proposals="Xin hỗ trợ loa đài",
                ),
            )
        difficulty, proposal = update.concerns.order_by("kind")
        client = client_for(commune["officer"])
        client.post(
            reverse("directives:concern_detail", args=[difficulty.pk]),
            {"action": "answer", "text": "Dùng nhà văn hóa xã."},
        )
        client.post(
            reverse("directives:concern_detail", args=[proposal.pk]),
            {"action": "escalate", "text": "Đưa vào báo cáo tháng."},
        )
        difficulty.refresh_from_db()
        proposal.refresh_from_db()
        assert (difficulty.status, difficulty.answer) == (
            ConcernStatus.ANSWERED,
            "Dùng nhà văn hóa xã.",
        )
        assert proposal.status == ConcernStatus.ESCALATED and proposal.is_open
        page = (
            client_for(commune["h2_head"])
            .get(reverse("directives:assignment_detail", args=[assignment.pk]))
            .content.decode()
        )
        assert "Dùng nhà văn hóa xã." in page
        open_list = client.get(
            reverse("directives:concern_list"), {"tinh_trang": "con-mo"}
        ).content.decode()
        assert "Xin hỗ trợ loa đài" in open_list and "Thiếu hội trường" not in open_list

    def test_units_and_leaders_cannot_answer(self, commune, client_for):
        concern = Concern.objects.create(
            assignment=commune["a"]["h2t1"], kind="difficulty", text="x"
        )
        chairman = f.UserFactory(organisation=commune["org"], role=Role.CHAIRMAN)
        url = reverse("directives:concern_detail", args=[concern.pk])
        for person in (chairman, commune["h2_head"]):
            assert (
                client_for(person).post(url, {"action": "answer", "text": "y"}).status_code == 403
            )
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.OPEN
