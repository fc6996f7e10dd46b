"""The worker's priority, step by step, with the system calls replaced (lowering this test process's own
priority could not be undone). The real worker process is checked in test_worker.py."""

import logging
import os

import pytest

from essaim.jobs import priority


class FakeSystem:
    """os.nice, os.sched_setscheduler and os.getsid as a worker leading its session would see them."""

    def __init__(self, monkeypatch, tmp_path, *, nice=0, session_leader=True, group_nice=0):
        self.nice, self.calls = nice, []
        self.autogroup = tmp_path / "autogroup"
        self.autogroup.write_text(f"/autogroup-42 nice {group_nice}\n")
        monkeypatch.setattr(priority, "AUTOGROUP", self.autogroup)
        monkeypatch.setattr(os, "getpriority", lambda which, who: self.nice, raising=False)
        monkeypatch.setattr(os, "nice", self._nice)
        monkeypatch.setattr(os, "sched_setscheduler", self._scheduler, raising=False)
        monkeypatch.setattr(os, "SCHED_BATCH", 3, raising=False)
        pid = os.getpid()
        monkeypatch.setattr(os, "getsid", lambda _: pid if session_leader else pid + 1, raising=False)

    def _nice(self, increment):
        self.calls.append(("nice", increment))
        self.nice += increment
        return self.nice

    def _scheduler(self, pid, policy, param):
        self.calls.append(("scheduler", pid, policy))


def test_the_worker_lowers_its_nice_its_policy_and_its_sessions_nice(monkeypatch, tmp_path):
    system = FakeSystem(monkeypatch, tmp_path)
    applied = priority.lower_priority(10)
    assert system.calls == [("nice", 10), ("scheduler", 0, 3)]
    assert (applied.nice, applied.batch, applied.session_nice) == (10, True, 10)
    assert system.autogroup.read_text() == "10"
    assert applied.describe() == "nice 10, ordonnancement SCHED_BATCH, nice 10 pour sa session"


def test_a_worker_sharing_a_session_leaves_the_sessions_nice_alone(monkeypatch, tmp_path):
    """``make run``: the worker shares the web server's session; the session's nice would lower the web too."""
    system = FakeSystem(monkeypatch, tmp_path, session_leader=False)
    applied = priority.lower_priority(10)
    assert applied.session_nice is None
    assert system.autogroup.read_text() == "/autogroup-42 nice 0\n"


def test_nice_zero_changes_nothing_and_a_lower_priority_is_never_raised(monkeypatch, tmp_path):
    system = FakeSystem(monkeypatch, tmp_path)
    assert priority.lower_priority(0).describe() == "nice 0"
    assert system.calls == []

    system = FakeSystem(monkeypatch, tmp_path, nice=15, group_nice=19)
    applied = priority.lower_priority(10)
    assert ("nice", -5) not in system.calls and applied.nice == 15
    assert applied.session_nice == 19  # already lower: left as it is
    assert system.autogroup.read_text() == "/autogroup-42 nice 19\n"


def test_a_platform_without_sched_batch_nor_autogroup_still_gets_nice(monkeypatch, tmp_path):
    system = FakeSystem(monkeypatch, tmp_path)
    monkeypatch.delattr(os, "sched_setscheduler")
    monkeypatch.setattr(priority, "AUTOGROUP", tmp_path / "absent")
    applied = priority.lower_priority(12)
    assert system.calls == [("nice", 12)]
    assert (applied.nice, applied.batch, applied.session_nice) == (12, False, None)


def test_a_refusal_is_logged_never_fatal(monkeypatch, tmp_path, caplog):
    FakeSystem(monkeypatch, tmp_path)

    def refuse(*args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setscheduler", refuse)
    with caplog.at_level(logging.WARNING, logger="essaim.jobs"):
        applied = priority.lower_priority(10)
    assert applied.nice == 10 and not applied.batch
    assert "SCHED_BATCH" in caplog.text


def test_a_nice_out_of_range_is_a_programming_error():
    with pytest.raises(ValueError):
        priority.lower_priority(20)
