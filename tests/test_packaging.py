"""An installed wheel finds the bundled exercises without a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_wheel_bundles_the_course_and_finds_it(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("grader-*.whl"))
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    ids = sorted(p.name for p in (ROOT / "exercises").iterdir() if (p / "exercise.toml").is_file())
    for exercise_id in ids:
        assert (site / "grader" / "_course" / "exercises" / exercise_id / "exercise.toml").is_file()
        assert (site / "grader" / "_course" / "solutions" / f"{exercise_id}.py").is_file()
    script = "from grader.exercise import find_course; c = find_course(); print(c.root); print(*c.ids())"
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert done.returncode == 0, done.stderr
    root, listed = done.stdout.splitlines()
    assert Path(root) == site / "grader" / "_course"
    assert listed.split() == ids
