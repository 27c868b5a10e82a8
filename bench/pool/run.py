"""Benchmark: a class graded cold (a fresh interpreter per worker) and warm (forked from warm zygotes).

Both with the full sandbox and the same number of slots. For each mode it
reports, from one run on this machine:

- pairs per second and wall time;
- per-pair overhead beyond the probes' own time (median and p90): everything a
  pair costs except its probe cases, i.e. starting or forking the worker, the
  sandbox, importing the submission, the protocol, and the judge; and, of it,
  the sandbox's own share (median): the run's time minus every case's, import
  included, before the judge;
- the compute limit (the sum of the probe cases' own times divided by the
  slots) and the ratio of the wall time to it, both without the pairs that
  timed out (whose time is their time limit's, by design);
- peak memory of the whole process tree (sum of PSS, sampled every 0.2 s).

Scenarios: ``generated`` (students x torch_cifar_cnn + keras_cnn_input_shape
from the bundled course: solutions, mutants and the test submissions in turn)
and ``notebooks`` (the 40-notebook torch class of this folder's own course:
30 correct, 10 buggy, one of them an infinite loop).

    .venv/bin/python bench/pool/run.py                    # both scenarios, warm and cold
    .venv/bin/python bench/pool/run.py --scenario notebooks --modes warm --students 80
    .venv/bin/python bench/pool/run.py --scenario notebooks --without-loop  # 39 notebooks: no timeout
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader import engine, reference, wire  # noqa: E402
from grader.exercise import Course, find_course  # noqa: E402
from grader.sandbox import Pool  # noqa: E402

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", choices=["generated", "notebooks", "all"], default="all")
    parser.add_argument("--modes", default="warm,cold")
    parser.add_argument("--students", type=int, default=None, help="20 generated students, 40 notebooks")
    parser.add_argument("--without-loop", action="store_true",
                        help="leave the looping notebook out (its timeout burns a core the others then lack)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    os.environ.setdefault("GRADER_CACHE_DIR", tempfile.mkdtemp(prefix="grader-bench-cache-"))
    figures = {}
    scenarios = ["generated", "notebooks"] if args.scenario == "all" else [args.scenario]
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as scratch:
        for scenario in scenarios:
            course, pairs = (_generated(args.students or 20) if scenario == "generated"
                             else _notebooks(Path(scratch), args.students or 40, args.without_loop))
            for mode in args.modes.split(","):
                figures[f"{scenario}/{mode}"] = _measure(course, pairs, mode == "warm", args.jobs)
                _print(f"{scenario}/{mode}", figures[f"{scenario}/{mode}"])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def _measure(course: Course, pairs: list[tuple[str, Path]], warm: bool, jobs: int) -> dict:
    exercises = {i: course.get(i) for i in {e for e, _ in pairs}}
    with Pool(jobs, warm=warm, hidden=course.hidden_folders) as pool:
        pool.prepare({e.preload for e in exercises.values()})
        for exercise in exercises.values():
            reference.record(exercise, pool)  # cached once, like every run after the first
        sampler = _MemorySampler()
        sampler.start()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=jobs) as executor:
            results = list(executor.map(lambda p: _grade(exercises[p[0]], p[1], pool), pairs))
        wall = time.perf_counter() - started
        sampler.stop()
    overhead = sorted(r["total"] - r["probes"] for r in results if not r["timed_out"])
    timed_out = [r for r in results if r["timed_out"]]
    compute_limit = sum(r["probes"] for r in results if not r["timed_out"]) / jobs
    loop_time = sum(r["total"] for r in timed_out) / jobs
    return {
        "pairs": len(pairs), "jobs": jobs, "wall_s": round(wall, 2),
        "pairs_per_s": round(len(pairs) / wall, 2),
        "s_per_pair": round(wall / len(pairs), 3),
        "s_per_pair_without_timeouts": round((wall - loop_time) / max(1, len(pairs) - len(timed_out)), 3),
        "overhead_median_ms": round(1000 * statistics.median(overhead), 1),
        "overhead_p90_ms": round(1000 * overhead[int(0.9 * (len(overhead) - 1))], 1),
        "judge_median_ms": round(1000 * statistics.median(r["judge"] for r in results), 1),
        "sandbox_overhead_median_ms": round(1000 * statistics.median(r["sandbox"] for r in results), 1),
        "compute_limit_s": round(compute_limit, 2),
        "wall_over_compute_limit": round((wall - loop_time) / compute_limit, 2) if compute_limit else None,
        "peak_memory_mb": round(sampler.peak / 2**20),
        "scores": sorted(r["score"] for r in results),
    }


def _grade(exercise, path: Path, pool: Pool) -> dict:
    started = time.perf_counter()
    submission = engine.submissions.load(path, exercise.id)
    record = pool.run(exercise, submission)
    after_run = time.perf_counter()
    with engine._judging:
        checks = engine.judge.run(exercise, record, reference.record(exercise, pool))
    finished = time.perf_counter()
    # A looping case costs its time limit; the worker is then replaced, so the run's exit may still be "ok".
    timed_out = any(isinstance(o, wire.ProbeError) and o.kind in ("timeout", "budget", "cpu-limit")
                    for o in record.observations.values())
    probes = sum(s for k, s in record.case_seconds.items() if k != "import{}")
    sandbox = after_run - started - sum(record.case_seconds.values())  # fork, namespaces, protocol, kill
    return {"total": finished - started, "probes": probes, "judge": finished - after_run, "sandbox": sandbox,
            "timed_out": timed_out, "score": sum(c.score for c in checks)}


def _generated(students: int) -> tuple[Course, list[tuple[str, Path]]]:
    course = find_course(ROOT)
    pairs = []
    for exercise_id in ("torch_cifar_cnn", "keras_cnn_input_shape"):
        exercise = course.get(exercise_id)
        pool_of_files = [exercise.solution, *exercise.mutants.values(),
                         *sorted((ROOT / "tests" / "submissions" / exercise_id).glob("*.py"))]
        pairs += [(exercise_id, pool_of_files[i % len(pool_of_files)]) for i in range(students)]
    return course, pairs


CORRECT_VARIANTS = [
    lambda s: s,
    lambda s: s.replace("rng.choice(options)", "options[rng.randrange(len(options))]"),
    lambda s: s.replace("    optimizer.zero_grad()\n", "    model.zero_grad()\n"),
]
BUGGY_VARIANTS = [
    lambda s: s.replace("    optimizer.zero_grad()\n", ""),  # accumulates gradients
    lambda s: s.replace("nn.Linear(8 * 4 * 4, 4)", "nn.Linear(8 * 4 * 4, 10)"),  # wrong class count
    lambda s: s.replace("rng = random.Random(seed)", "rng = random.Random(0)"),  # ignores the seed
    lambda s: s.replace("    optimizer.step()\n", ""),  # never steps
    lambda s: s.replace("        if not options:\n            break\n", "        if not options:\n"
                        "            options = [start]\n"),  # invents transitions
    lambda s: s.replace("return loss.item()", "return loss"),  # returns a tensor (still a number: passes)
    lambda s: s.replace("for _ in range(n):", "for _ in range(n - 1):"),  # one word short
    lambda s: s.replace("lr", "lr").replace("nn.ReLU(), nn.MaxPool2d(2), nn.Flatten()",
                                             "nn.Sigmoid(), nn.MaxPool2d(2), nn.Flatten()"),
    lambda s: s.replace("words.append(rng.choice(options))", "words.append(options[0])"),  # never random
    lambda s: s.replace("    rng = random.Random(seed)\n", "    rng = random.Random(seed)\n    while True:\n"
                        "        pass\n"),  # the infinite loop
]


def _notebooks(scratch: Path, count: int, without_loop: bool = False) -> tuple[Course, list[tuple[str, Path]]]:
    course = Course(HERE / "course")
    solution = (HERE / "course" / "solutions" / "torch_notebook.py").read_text()
    folder = scratch / "notebooks"
    folder.mkdir(exist_ok=True)
    pairs = []
    for i in range(count):
        buggy = i % 4 == 3  # 10 of 40
        variant = BUGGY_VARIANTS[(i // 4) % len(BUGGY_VARIANTS)] if buggy else CORRECT_VARIANTS[i % 3]
        if without_loop and variant is BUGGY_VARIANTS[-1]:
            continue
        source = variant(solution)
        imports, _, rest = source.partition("\n\n\n")
        cells = [nbformat.v4.new_markdown_cell(f"# Homework of student {i}"), nbformat.v4.new_code_cell(imports),
                 *(nbformat.v4.new_code_cell(part) for part in rest.split("\n\n\n")),
                 nbformat.v4.new_code_cell("!pip install torch\n%matplotlib inline")]
        path = folder / f"student{i:03d}.ipynb"
        path.write_text(nbformat.writes(nbformat.v4.new_notebook(cells=cells)))
        pairs.append(("torch_notebook", path))
    random.Random(0).shuffle(pairs)  # a class in name order: the looping student is not always last
    return course, pairs


class _MemorySampler(threading.Thread):
    """Peak of the summed PSS of this process and every process started under it."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, _tree_pss(os.getpid()))
            self._stop_event.wait(0.2)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _tree_pss(root: int) -> int:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:")) * 1024
        except (OSError, StopIteration, ValueError):
            continue
    return total


def _print(name: str, figures: dict) -> None:
    shown = {k: v for k, v in figures.items() if k != "scores"}
    print(f"{name:<22} " + "  ".join(f"{k}={v}" for k, v in shown.items()), flush=True)


if __name__ == "__main__":
    main()
