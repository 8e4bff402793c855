"""A real Celery worker and beat, real Redis, a real SMTP server: every due reminder arrives
exactly once, even when the worker is killed mid-send, two beats run, Redis restarts or the
mail server is down for a while.

The worker and beat run as separate processes on a database of their own (a SQLite file, or a
fresh PostgreSQL database when DATABASE_URL points at PostgreSQL). Redis is the one at REDIS_URL
(on a queue of our own) or, when REDIS_URL is unset or the test stops Redis, a private
redis-server on a free port.
"""

from __future__ import annotations

import datetime
import os
import time
from collections import Counter

import pytest

from tests.notifications.integration import PrivateRedis, Sink, Stack, make_database, wait_for

pytestmark = pytest.mark.integration
#: Once everything arrived, keep the stack running this long to catch any duplicate.
SETTLE_SECONDS = 4


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "var").mkdir()
    return tmp_path


@pytest.fixture
def avoid_midnight():
    """Our working-hours window ends at 23:59; don't start a scenario in its last minute."""
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7)))
    if now.hour == 23 and now.minute >= 58:
        time.sleep((60 - now.minute) * 60 - now.second + 5)


@pytest.fixture
def redis(workdir):
    """The shared Redis of REDIS_URL when set (never stopped), else a private one."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"], None
        return
    server = PrivateRedis(workdir).start()
    yield server.url, server
    server.stop()


@pytest.fixture
def private_redis(workdir):
    """A redis-server of this test alone, which the test may stop and start again."""
    server = PrivateRedis(workdir).start()
    yield server
    server.stop()


@pytest.fixture
def sink():
    server = Sink().start()
    yield server
    server.stop()


def make_stack(workdir, redis_url, smtp_port, request) -> Stack:
    database_url, drop = make_database(workdir)
    stack = Stack(workdir, database_url, redis_url, smtp_port)

    def finish():
        stack.stop_all()
        stack.forget_queue()
        drop()

    request.addfinalizer(finish)
    stack.manage("migrate", "--noinput", "-v0")
    return stack


def assert_exactly_once(sink: Sink, emails: list[str]) -> None:
    received = Counter(address for message in sink.messages for address in message["to"])
    assert received == Counter(emails), received
    ids = [message["message_id"] for message in sink.messages]
    assert len(ids) == len(set(ids))


def wait_for_mail(sink: Sink, count: int, timeout: float, stack: Stack) -> None:
    try:
        wait_for(lambda: len(sink.messages) >= count, timeout, f"{count} e-mails in the sink")
    except AssertionError:
        logs = "\n".join(f"--- {p.name}\n{stack.log(p.name)[-3000:]}" for p in stack.processes)
        raise AssertionError(f"{sink.messages}\n{logs}") from None


def test_worker_and_beat_deliver_a_reminder_to_the_mail_server(
    workdir, redis, sink, avoid_midnight, request
):
    stack = make_stack(workdir, redis[0], sink.port, request)
    created = stack.script("create", "1")
    stack.start_worker()
    stack.start_beat()

    wait_for_mail(sink, 1, 45, stack)
    time.sleep(SETTLE_SECONDS)

    assert_exactly_once(sink, created["emails"])
    [message] = sink.messages
    assert message["subject"] == "Nhắc việc: “Quán triệt Kết luận” đến hạn hôm nay"
    [delivery] = stack.deliveries()
    assert delivery["status"] == "sent" and delivery["attempts"] == 1
    assert delivery["message_id"] == message["message_id"]
    became_due = datetime.datetime.fromisoformat(created["created_at"]).timestamp()
    assert message["received"] - became_due < 120


def test_a_worker_killed_in_the_middle_of_sending_is_replaced_and_sends_once(
    workdir, redis, sink, avoid_midnight, request
):
    sink.handler.stall_seconds = 8
    stack = make_stack(workdir, redis[0], sink.port, request)
    created = stack.script("create", "1")
    first = stack.start_worker("worker-1")
    stack.start_beat()

    wait_for(sink.handler.stalled.is_set, 45, "the worker to start sending")
    stack.kill(first)  # mid-transaction with the mail server
    [delivery] = stack.deliveries()
    assert delivery["status"] == "sending"

    stack.start_worker("worker-2")
    wait_for_mail(sink, 1, 45, stack)
    time.sleep(SETTLE_SECONDS)

    assert_exactly_once(sink, created["emails"])
    [delivery] = stack.deliveries()
    assert delivery["status"] == "sent"
    assert delivery["attempts"] == 2  # the dead worker's claim, then the new worker's


def test_two_beat_processes_do_not_send_anything_twice(
    workdir, redis, sink, avoid_midnight, request
):
    stack = make_stack(workdir, redis[0], sink.port, request)
    created = stack.script("create", "3")
    stack.start_worker("worker-1")
    stack.start_worker("worker-2")
    stack.start_beat("beat-1")
    stack.start_beat("beat-2")

    wait_for_mail(sink, 3, 45, stack)
    time.sleep(SETTLE_SECONDS)

    assert_exactly_once(sink, created["emails"])
    for beat in ("beat-1", "beat-2"):
        assert "Sending due task notifications-pass" in stack.log(beat)


def test_redis_stopped_and_restarted_empty_loses_no_reminder(
    workdir, private_redis, sink, avoid_midnight, request
):
    stack = make_stack(workdir, private_redis.url, sink.port, request)
    stack.start_worker()
    stack.start_beat()
    wait_for(lambda: "ready" in stack.log("worker"), 30, "the worker to connect")

    private_redis.stop()
    created = stack.script("create", "2")  # falls due while the broker is gone
    time.sleep(3)
    assert stack.deliveries() == []  # nothing could run the pass

    private_redis.start()  # same port, empty: every queued message is lost
    wait_for_mail(sink, 2, 50, stack)
    time.sleep(SETTLE_SECONDS)

    assert_exactly_once(sink, created["emails"])


def test_mail_server_down_for_a_while_is_retried_and_sent_once(
    workdir, redis, avoid_midnight, request
):
    sink = Sink()  # its port is chosen, but nothing listens yet
    stack = make_stack(workdir, redis[0], sink.port, request)
    created = stack.script("create", "2")
    stack.start_worker()
    stack.start_beat()

    wait_for(
        lambda: all(d["attempts"] >= 2 for d in stack.deliveries() or [{"attempts": 0}]),
        45,
        "two failed attempts per delivery",
    )
    failed = stack.deliveries()
    assert {d["status"] for d in failed} <= {"pending", "sending"}
    assert any(
        "Connection refused" in d["last_error"] or "Errno" in d["last_error"] for d in failed
    )

    sink.start()
    try:
        wait_for_mail(sink, 2, 45, stack)
        time.sleep(SETTLE_SECONDS)
        assert_exactly_once(sink, created["emails"])
        assert {d["status"] for d in stack.deliveries()} == {"sent"}
    finally:
        sink.stop()
