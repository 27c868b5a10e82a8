"""How long each exercise's whole suite takes on the reference solution, cold and warm.

- cold: one ``grader submit ID solutions/ID.py`` as a fresh process (reference observations already
  cached): the CLI start, a sandboxed worker that imports the exercise's frameworks, every probe case,
  the judge. This is what one student pays for one submission.
- warm: the same pair graded in a pool whose worker is already warm (median of 3): what a pair costs in
  a class run, ``grader verify`` or the test suite.

Writes ``bench/suites/figures.json``, which ``grader table`` reads for the README's "suite runtime"
column. Run it on a quiet machine of the CI's kind (2 cores):

    .venv/bin/python bench/suites/run.py            # every exercise
    .venv/bin/python bench/suites/run.py gpt2_sampling torch_cifar_cnn
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader import engine, reference  # noqa: E402
from grader.exercise import find_course  # noqa: E402
from grader.sandbox import Pool  # noqa: E402

FIGURES = Path(__file__).parent / "figures.json"


def main() -> None:
    os.environ.setdefault("GRADER_CACHE_DIR", tempfile.mkdtemp(prefix="grader-suites-"))
    course = find_course(ROOT)
    ids = sys.argv[1:] or course.ids()
    figures = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    grader = Path(sys.executable).parent / "grader"
    for exercise_id in ids:
        exercise = course.get(exercise_id)
        with Pool(1, hidden=course.hidden_folders) as pool:
            reference.record(exercise, pool)
            warm = []
            for _ in range(3):
                started = time.perf_counter()
                result = engine.grade_file(exercise, exercise.solution, pool)
                warm.append(time.perf_counter() - started)
            assert result.score == result.max_score, f"{exercise_id}: the solution did not score full marks"
        started = time.perf_counter()
        done = subprocess.run([str(grader), "submit", exercise_id, str(exercise.solution), "--format", "json"],
                              capture_output=True, text=True, env={**os.environ, "GRADER_QUIET_COURSE": "1"})
        cold = time.perf_counter() - started
        assert done.returncode == 0, done.stderr[-500:]
        figures[exercise_id] = {"cold_s": round(cold, 1), "warm_s": round(statistics.median(warm), 2),
                                "measured": time.strftime("%Y-%m-%d"), "cpus": len(os.sched_getaffinity(0))}
        print(f"{exercise_id:<32} cold {cold:6.1f} s   warm {statistics.median(warm):6.2f} s", flush=True)
        FIGURES.write_text(json.dumps(dict(sorted(figures.items())), indent=2) + "\n")


if __name__ == "__main__":
    main()
