"""The supervisor decides what a run's events mean, with no process involved."""

from __future__ import annotations

from grader import wire
from grader.sandbox.supervisor import IDLE_SECONDS, Plan, Supervisor, WorkerEnd

IMPORT = wire.IMPORT_KEY
PLAN = Plan((IMPORT, "a{}", "b{}", "c{}"), {IMPORT: 5.0, "a{}": 2.0, "b{}": 2.0, "c{}": 2.0}, budget=30.0)


def run_case(sup: Supervisor, key: str, now: float, value: object = 1) -> None:
    sup.message({"type": "start", "key": key}, now)
    sup.message({"type": "observation", "key": key, "value": value, "output": "", "seconds": 0.1}, now)


def start(sup: Supervisor, now: float = 0.0) -> None:
    assert sup.action == "start"
    sup.worker_started(now, lambda: "printed so far")
    sup.message({"type": "hello"}, now)


def test_a_clean_run_observes_every_case_once() -> None:
    sup = Supervisor(PLAN, 0.0)
    start(sup)
    for key in PLAN.keys:
        run_case(sup, key, 1.0)
    sup.message({"type": "done"}, 1.0)
    assert sup.action == "kill"  # even a clean worker is killed: nothing outlives the pair
    sup.worker_ended(WorkerEnd(0), 1.1)
    record = sup.record("test", 1.1)
    assert sup.action == "finish" and record.exit == "ok" and record.workers == 1
    assert set(record.observations) == set(PLAN.keys) and not record.incidents


def test_a_hanging_case_costs_only_itself_whatever_the_order() -> None:
    for hanging in ("a{}", "b{}", "c{}"):
        sup = Supervisor(PLAN, 0.0)
        start(sup)
        run_case(sup, IMPORT, 0.5)
        now = 1.0
        for key in PLAN.keys[1:]:
            if key in sup.observations:
                continue
            sup.message({"type": "start", "key": key}, now)
            if key == hanging:
                sup.tick(now + 2.5)
                assert sup.action == "kill"
                sup.worker_ended(WorkerEnd(None, 9), now + 2.6)
                if not sup.undecided():
                    assert sup.action == "finish"
                    break
                start(sup, now + 2.7)
                now += 3.0
            else:
                sup.message({"type": "observation", "key": key, "value": 1, "output": "", "seconds": 0.1}, now)
        record = sup.record("test", now)
        error = record.observations[hanging]
        assert isinstance(error, wire.ProbeError) and error.kind == "timeout" and "2 s" in error.message
        assert record.outputs[hanging] == "printed so far"
        assert all(record.observations[k] == 1 for k in PLAN.keys[1:] if k != hanging)


def test_a_crash_is_charged_to_the_running_case_and_the_rest_go_on() -> None:
    sup = Supervisor(PLAN, 0.0)
    start(sup)
    run_case(sup, IMPORT, 0.1)
    sup.message({"type": "start", "key": "a{}"}, 0.2)
    sup.worker_ended(WorkerEnd(3), 0.3)
    assert sup.observations["a{}"].kind == "crashed" and "exit status 3" in sup.observations["a{}"].message
    assert sup.action == "start" and set(sup.skip()) == {IMPORT, "a{}"}


def test_the_cpu_limit_is_told_as_such() -> None:
    sup = Supervisor(PLAN, 0.0)
    start(sup)
    run_case(sup, IMPORT, 0.1)
    sup.message({"type": "start", "key": "a{}"}, 0.2)
    sup.worker_ended(WorkerEnd(wire.CPU_LIMIT_EXIT), 0.3)
    assert sup.observations["a{}"].kind == "cpu-limit"


def test_the_budget_is_told_truthfully_and_unstarted_cases_are_not_run() -> None:
    plan = Plan(PLAN.keys, {k: 100.0 for k in PLAN.keys}, budget=10.0)
    sup = Supervisor(plan, 0.0)
    start(sup)
    run_case(sup, IMPORT, 0.1)
    sup.message({"type": "start", "key": "a{}"}, 0.2)
    sup.tick(10.0)
    assert sup.action == "kill"
    sup.worker_ended(WorkerEnd(None, 9), 10.1)
    record = sup.record("test", 10.1)
    assert sup.action == "finish" and record.exit == "budget"
    assert record.observations["a{}"].kind == "budget"  # not "ran past its own limit"
    assert "b{}" not in record.observations and "c{}" not in record.observations
    assert any("time budget of 10 s ran out; 2 probe case(s) never ran" in line for line in record.incidents)


def test_a_failed_import_decides_every_case_without_a_restart() -> None:
    sup = Supervisor(PLAN, 0.0)
    start(sup)
    sup.message({"type": "start", "key": IMPORT}, 0.1)
    sup.tick(5.2)  # the import hangs
    sup.worker_ended(WorkerEnd(None, 9), 5.3)
    assert sup.action == "finish"
    assert {sup.observations[k].kind for k in PLAN.keys[1:]} == {"import-blocked"}


def test_protocol_violations_get_no_second_chance() -> None:
    for message in ({"type": "start", "key": "zzz{}"},
                    {"type": "observation", "key": "a{}", "value": 1, "output": "", "seconds": 0},
                    {"type": "done"}):
        sup = Supervisor(PLAN, 0.0)
        start(sup)
        sup.message(message, 0.1)
        assert sup.action == "kill"
        sup.worker_ended(WorkerEnd(None, 9), 0.2)
        assert sup.action == "finish" and sup.record("t", 0.2).exit == "protocol"


def test_a_case_is_never_decided_twice() -> None:
    sup = Supervisor(PLAN, 0.0)
    start(sup)
    run_case(sup, IMPORT, 0.1)
    run_case(sup, "a{}", 0.2, value=1)
    sup.message({"type": "start", "key": "a{}"}, 0.3)  # a forged rerun to overwrite a verdict
    assert sup.action == "kill" and sup.observations["a{}"] == 1


def test_a_silent_worker_outside_any_case_is_stopped() -> None:
    sup = Supervisor(Plan(PLAN.keys, PLAN.timeouts, budget=300.0), 0.0)
    start(sup)
    run_case(sup, IMPORT, 0.1)
    sup.tick(0.1 + IDLE_SECONDS + 0.1)
    assert sup.action == "kill"
    sup.worker_ended(WorkerEnd(None, 9), 31.0)
    assert sup.action == "start"  # a fresh worker goes on with the cases not decided


def test_it_gives_up_after_workers_that_decide_nothing() -> None:
    sup = Supervisor(PLAN, 0.0)
    for _ in range(2):
        sup.worker_started(0.0, str)
        sup.worker_ended(WorkerEnd(1), 0.1)  # dies before it starts any case
    assert sup.action == "finish"
    assert any("gave up" in line for line in sup.record("t", 0.2).incidents)


def test_messages_of_a_worker_being_killed_no_longer_count() -> None:
    sup = Supervisor(PLAN, 0.0)
    start(sup)
    sup.message({"type": "start", "key": IMPORT}, 0.1)
    sup.tick(5.5)
    sup.message({"type": "observation", "key": IMPORT, "value": 1, "output": "", "seconds": 5}, 5.6)
    assert sup.observations[IMPORT].kind == "timeout"
