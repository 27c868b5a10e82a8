"""A Gradescope autograder (``grader export --gradescope DIR``): ``DIR/autograder.zip``.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once when it builds the image,
and ``run_autograder`` for every submission (the student's files in ``/autograder/submission``, the results
expected in ``/autograder/results/results.json``). The zip holds:

- ``setup.sh``: Python 3.11+ and bubblewrap from apt, a venv, the torch CPU wheel, then this grader;
- ``run_autograder``: ``grader ci`` on the submission, writing Gradescope's ``results.json`` (and, should the
  grader itself fail, a ``results.json`` that says so rather than none);
- ``grader-src/``: an installable copy of this grader with the **full** course (hidden checks, solutions,
  ``course.toml``): the zip is the instructor's, never the students'.

The same exercise folders give the same limits (``[limits]`` of each ``exercise.toml``), and the batch
self-check (reference solution and a mutant, before and after) runs in Gradescope's container too.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from ..exercise import Course
from .export import copy_engine, project_file

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq bubblewrap python3 python3-venv python3-pip >/dev/null
PY=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    PY="$(command -v "$candidate")"; break
  fi
done
if [ -z "$PY" ]; then  # Ubuntu 22.04 images ship Python 3.10
  apt-get install -y -qq python3.11 python3.11-venv >/dev/null
  PY=/usr/bin/python3.11
fi
"$PY" -m venv /autograder/venv
pip=(/autograder/venv/bin/python -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
"${pip[@]}" /autograder/source/grader-src
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission, in /autograder.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
GRADER="${GRADER:-$ROOT/venv/bin/grader}"
mkdir -p "$ROOT/results"
export GRADER_CACHE_DIR="${GRADER_CACHE_DIR:-$ROOT/cache}" GRADER_QUIET_COURSE=1
"$GRADER" --course "$ROOT/source/grader-src" ci "$ROOT/submission" --audience instructor \\
  --gradescope "$ROOT/results/results.json" --json "$ROOT/results/grader-results.json" \\
  --junit "$ROOT/results/junit.xml" --summary "$ROOT/results/summary.md" __OPTIONS__
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
  cat > "$ROOT/results/results.json" <<'JSON'
{"score": 0, "output": "The autograder could not grade this submission. Please tell your instructor.",
 "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": []}
JSON
fi
echo "grader ci exited with status $status"
exit 0
"""


def export_autograder(course: Course, destination: Path, *, unsafe: bool = False) -> Path:
    """Write ``destination/autograder.zip`` for ``course``; return its path.

    :param unsafe: grade without the sandbox where Gradescope's container cannot build it (no user
        namespaces); the submission then runs with rlimits only, and every report says so.
    """
    destination.mkdir(parents=True, exist_ok=True)
    target = destination / "autograder.zip"
    with tempfile.TemporaryDirectory(prefix="grader-gradescope-") as scratch:
        source = Path(scratch) / "grader-src"
        copy_engine(source / "grader")
        for folder in ("exercises", "solutions"):
            shutil.copytree(course.root / folder, source / folder,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        policy = course.root / "course.toml"
        if policy.is_file():
            shutil.copyfile(policy, source / "course.toml")
        (source / "pyproject.toml").write_text(project_file(with_solutions=True, with_policy=policy.is_file()),
                                               encoding="utf-8")
        (source / "README.md").write_text("The grader and the full course, for Gradescope.\n", encoding="utf-8")
        run = RUN.replace("__OPTIONS__", "--unsafe" if unsafe else "")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            _add(archive, "setup.sh", SETUP, executable=True)
            _add(archive, "run_autograder", run, executable=True)
            for path in sorted(source.rglob("*")):
                if path.is_file():
                    archive.write(path, str(path.relative_to(scratch)))
    return target


def _add(archive: zipfile.ZipFile, name: str, text: str, *, executable: bool) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)
