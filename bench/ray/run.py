"""Benchmark: the same generated class graded by the local executor and by Ray on this machine.

Three measurements, one run:

1. **The class, both ways.** ``batch.grade_many`` on a local pool and
   ``distributed.grade_many`` on a local Ray instance of one node with as many
   slots, each with a fresh store: wall time, time to the first result (pool
   start, reference, self-check; for Ray also the actor start and the course
   shipping), and the steady rate from the first result to the last.
2. **Ray's cost per pair.** On the same Ray instance, one node actor grades
   pairs one at a time; for each, the time the driver waited (send to
   receive) minus the time the node spent grading (``engine.grade``, as the
   node measures it): scheduling, moving the submission and the result,
   (de)serialising. Median and p90 in ms.
3. **The driver's cost per pair**: storing a result and reading the student's
   history (``batch``'s keep step) on a SQLite store, in ms: one driver
   handles every result of the cluster, so this bounds the pairs per second
   any number of nodes can reach.

From these it writes a paper estimate of 190,000 pairs (10,000 students x 19
exercises) on N nodes. Run from the repository root:

    GRADER_CACHE_DIR=/tmp/me/cache .venv/bin/python bench/ray/run.py                    # 2 exercises x 20
    .venv/bin/python bench/ray/run.py --students 40 --exercises bigram_text_generator,torch_cifar_cnn
    .venv/bin/python bench/ray/run.py --json bench/ray/results.json                       # record the figures
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader import __version__, batch, distributed, engine  # noqa: E402
from grader.discovery import find_submissions  # noqa: E402
from grader.distributed import messages  # noqa: E402
from grader.exercise import Course, find_course  # noqa: E402
from grader.sandbox import Pool  # noqa: E402
from grader.store import Key, Store  # noqa: E402
from grader.submission import load  # noqa: E402

MOOC_PAIRS = 190_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--exercises", default="bigram_text_generator,classification_metrics")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="slots (and Ray CPUs)")
    parser.add_argument("--probe-pairs", type=int, default=30, help="pairs sent one at a time for the overhead")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    os.environ.setdefault("GRADER_CACHE_DIR", tempfile.mkdtemp(prefix="grader-bench-cache-"))
    os.environ.setdefault(distributed.driver.LOOPBACK_ENV, "0")  # before Ray is imported: loopback only
    course = find_course(ROOT)
    exercise_ids = args.exercises.split(",")
    figures: dict = {"machine": {"cpus": len(os.sched_getaffinity(0)), "load_before": os.getloadavg()[0]},
                     "class": {"students": args.students, "exercises": exercise_ids, "jobs": args.jobs}}
    with tempfile.TemporaryDirectory(prefix="grader-bench-ray-") as scratch:
        folder = _generate_class(Path(scratch) / "class", course, exercise_ids, args.students)
        entries, _ = find_submissions(folder, course)
        figures["class"]["pairs"] = len(entries)
        figures["local"] = _local(entries, course, args.jobs, Path(scratch) / "local.sqlite")
        _say("local", figures["local"])
        import ray

        started = time.perf_counter()
        ray.init(address="local", num_cpus=args.jobs, include_dashboard=False,
                 object_store_memory=distributed.driver.LOCAL_OBJECT_STORE_BYTES, log_to_driver=False,
                 logging_level="WARNING")
        figures["ray_start_s"] = round(time.perf_counter() - started, 2)
        try:
            figures["ray"] = _on_ray(entries, course, args.jobs, Path(scratch) / "ray.sqlite")
            _say("ray", figures["ray"])
            figures["same_scores"] = figures["ray"].pop("scores") == figures["local"].pop("scores")
            figures["ray_overhead"] = _round_trips(course, entries, args.probe_pairs)
            _say("ray overhead per pair", figures["ray_overhead"])
        finally:
            ray.shutdown()
        figures["driver"] = _driver_cost(course, Path(scratch) / "driver.sqlite")
        _say("driver per pair", figures["driver"])
    figures["estimate"] = _estimate(figures)
    print(_estimate_table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


def _generate_class(folder: Path, course: Course, exercise_ids: list[str], students: int) -> Path:
    """Student i submits, per exercise, the i-th file of: solution, mutants, the test submissions (in turn)."""
    for exercise_id in exercise_ids:
        exercise = course.get(exercise_id)
        files = [exercise.solution, *exercise.mutants.values(),
                 *sorted((ROOT / "tests" / "submissions" / exercise_id).glob("*.py"))]
        for i in range(students):
            target = folder / f"s{i:03d}" / f"{exercise_id}.py"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(files[i % len(files)], target)
    return folder


def _local(entries: list, course: Course, jobs: int, store_path: Path) -> dict:
    started = time.perf_counter()
    with Store(store_path) as store, Pool(jobs, hidden=(course.root,)) as pool:
        times, scores = _timed(batch.grade_many(entries, course, pool, store=store))
    return _summary(started, times, scores, jobs)


def _on_ray(entries: list, course: Course, jobs: int, store_path: Path) -> dict:
    events: list[tuple[float, str]] = []
    started = time.perf_counter()
    with Store(store_path) as store:
        times, scores = _timed(distributed.grade_many(
            entries, course, jobs=jobs, store=store,
            on_event=lambda e: events.append((time.perf_counter() - started, str(e)))))
    figures = _summary(started, times, scores, jobs)
    figures["node_ready_s"] = [round(t, 2) for t, text in events if "self-check passed" in text]
    return figures


def _timed(graded) -> tuple[list[float], dict[tuple[str, str], float]]:  # noqa: ANN001
    times, scores = [], {}
    for item in graded:
        times.append(time.perf_counter())
        scores[(item.entry.student, item.entry.exercise_id)] = item.result.score
    return times, scores


def _summary(started: float, times: list[float], scores: dict, jobs: int) -> dict:
    steady = (times[-1] - times[0]) / max(1, len(times) - 1)
    return {"wall_s": round(times[-1] - started, 2), "first_result_s": round(times[0] - started, 2),
            "steady_s_per_pair": round(steady, 3), "core_s_per_pair": round(steady * jobs, 3), "scores": scores}


def _round_trips(course: Course, entries: list, count: int) -> dict:
    """One actor, one pair at a time: the driver's wait minus the node's own grading time."""
    import ray

    from grader.distributed import bundle
    from grader.distributed.node import NodeGrader

    ids = sorted({e.exercise_id for e in entries})
    shipped = bundle.pack(course, ids)
    manifest = messages.Manifest(__version__, messages.code_digest(), shipped.sha256,
                                 {i: course.get(i).digest() for i in ids}, False)
    actor = ray.remote(NodeGrader).options(num_cpus=1, max_concurrency=2).remote()
    problems = ray.get(actor.prepare.remote(manifest.to_plain(), ray.put(shipped.data), 1))["problems"]
    assert not problems, problems
    overheads, node_seconds, sizes = [], [], []
    for entry in (entries * (1 + count // len(entries)))[:count]:
        payload = messages.pair_to_plain(entry.student, entry.exercise_id, load(entry.path, entry.exercise_id))
        sent = time.perf_counter()
        answer = ray.get(actor.grade.remote(payload))
        waited = time.perf_counter() - sent
        overheads.append(waited - answer["seconds"])
        node_seconds.append(answer["seconds"])
        sizes.append(len(json.dumps(answer["result"])) + len(payload["source"]))
    ray.kill(actor)
    overheads.sort()
    return {"pairs": count, "median_ms": round(1000 * statistics.median(overheads), 2),
            "p90_ms": round(1000 * overheads[int(0.9 * (count - 1))], 2),
            "node_median_s": round(statistics.median(node_seconds), 3),
            "bytes_per_pair_median": int(statistics.median(sizes))}


def _driver_cost(course: Course, store_path: Path, count: int = 2000) -> dict:
    """What the driver does per result: the store's history read and insert (``batch``'s keep step), with a
    result of this course's size."""
    from grader.batch import Pair, keep
    from grader.discovery import ClassEntry

    exercise = course.get("classification_metrics")
    with Pool(1, hidden=(course.root,)) as pool:
        result = engine.grade_file(exercise, exercise.solution, pool, "s")
    with Store(store_path) as store:
        started = time.perf_counter()
        for i in range(count):
            entry = ClassEntry(f"s{i % 500}", exercise.id, Path(f"s{i % 500}/{exercise.id}.py"))
            key = Key(entry.student, exercise.id, f"sha{i}", "digest", "0")
            keep(Pair(entry, exercise, key, None), result, store)
        seconds = time.perf_counter() - started
    return {"results": count, "ms_per_result": round(1000 * seconds / count, 3),
            "max_pairs_per_s": round(count / seconds)}


def _estimate(figures: dict) -> dict:
    """190,000 pairs on N nodes of c cores: per-pair core time plus Ray's per-pair overhead (a slot waits for
    it), spread over N * c slots, plus one node's start-up; never faster than the driver's own rate."""
    per_pair = figures["local"]["core_s_per_pair"] + figures["ray_overhead"]["median_ms"] / 1000
    startup = figures["ray"]["first_result_s"]
    driver_floor = MOOC_PAIRS / figures["driver"]["max_pairs_per_s"]
    rows = {}
    for cores in (2, 16):
        for nodes in (1, 10, 50, 100, 500):
            compute = MOOC_PAIRS * per_pair / (nodes * cores)
            rows[f"{nodes}x{cores}"] = round(max(compute, driver_floor) + startup)
    return {"core_s_per_pair": round(per_pair, 3), "node_startup_s": startup,
            "driver_floor_s": round(driver_floor), "seconds_by_nodes_x_cores": rows}


def _estimate_table(figures: dict) -> str:
    estimate = figures["estimate"]
    lines = [f"\n190,000 pairs at {estimate['core_s_per_pair']} core-s per pair (this class, this machine), "
             f"node start-up {estimate['node_startup_s']} s, driver floor {estimate['driver_floor_s']} s:",
             "| nodes x cores | time |", "|---|---|"]
    for shape, seconds in estimate["seconds_by_nodes_x_cores"].items():
        lines.append(f"| {shape} | {_duration(seconds)} |")
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 120:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def _say(what: str, figures: dict) -> None:
    shown = {k: v for k, v in figures.items() if k != "scores"}
    print(f"{what}: {json.dumps(shown)}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
