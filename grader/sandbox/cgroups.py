"""A memory and process ceiling per slot, with cgroup v1 controllers, where this process may create them.

rlimits bound each process; a fork bomb whose processes each stay under their
limit can still take the machine. A slot's cgroups bound everything its
zygote and its pairs hold together: memory (a v1 ``memory`` controller; the
kernel's OOM killer then picks a pair's process first, whose
``oom_score_adj`` is raised) and the number of processes and threads (a v1
``pids`` controller). Created as children of this process's own cgroups
(never touching siblings), only when they are writable (root on these
machines); otherwise the layer is reported as not in force.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

PIDS_PER_SLOT = 2048


@dataclass(frozen=True, slots=True)
class SlotCgroups:
    """The cgroup folders of one slot: write a pid into each to put a process under its limits."""

    folders: tuple[Path, ...]
    """The memory controller's folder first, then the pids controller's."""
    jobs: int = 1

    def wrap(self, argv: list[str]) -> list[str]:
        """``argv`` started inside these cgroups (a shell moves itself in, then becomes ``argv``)."""
        moves = " && ".join(f'echo $$ > "{folder}/cgroup.procs"' for folder in self.folders)
        return ["/bin/sh", "-c", f'{moves} && exec "$@"', "sh", *argv]

    def limit_memory(self, extra: int | None) -> None:
        """Cap the slot at what it holds now plus ``extra`` bytes for one pair (None: back to its share).

        rlimits count a process's heap but not its shared memory (``mmap`` of anonymous shared pages, memory
        files): set before each pair, this ceiling counts both, for the pair and everything it starts.
        """
        memory = self.folders[0]
        try:
            limit = _memory_share(self.jobs)
            if extra is not None:
                used = int((memory / "memory.usage_in_bytes").read_text())
                limit = min(limit, used + extra)
            (memory / "memory.limit_in_bytes").write_text(str(limit))
        except (OSError, ValueError):
            pass  # a ceiling that cannot be set leaves the slot's share in force

    def processes(self) -> int:
        """Processes and threads in the slot now (its pids controller), 0 if unreadable."""
        for folder in self.folders:
            try:
                return int((folder / "pids.current").read_text())
            except (OSError, ValueError):
                continue
        return 0

    def remove(self) -> None:
        for folder in self.folders:
            for _ in range(20):  # the last processes may take a moment to leave
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)


def create(slot: int, jobs: int) -> SlotCgroups | None:
    """The slot's memory and pids cgroups, or None where they cannot be made here."""
    memory, pids = _own("memory"), _own("pids")
    if memory is None or pids is None:
        return None
    for parent in (memory, pids):
        _remove_abandoned(parent)
    name = f"grader-{os.getpid()}-slot{slot}"
    made: list[Path] = []
    try:
        for parent in (memory, pids):
            folder = parent / name
            folder.mkdir(exist_ok=True)
            made.append(folder)
        (made[0] / "memory.limit_in_bytes").write_text(str(_memory_share(jobs)))
        (made[1] / "pids.max").write_text(str(PIDS_PER_SLOT))
    except OSError:
        SlotCgroups(tuple(made)).remove()
        return None
    return SlotCgroups(tuple(made), jobs)


def _remove_abandoned(parent: Path) -> None:
    """Slot folders left by a grader that was killed (its pid is gone): empty by now, so removable."""
    for folder in parent.glob("grader-*-slot*"):
        try:
            pid = int(folder.name.split("-")[1])
            os.kill(pid, 0)
        except ProcessLookupError:
            try:
                folder.rmdir()
            except OSError:
                pass  # still holds a process: leave it
        except (ValueError, IndexError, PermissionError):
            continue


def _memory_share(jobs: int) -> int:
    """80 % of the machine's memory, shared between the slots."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return int(total * 0.8 / max(1, jobs))


def _own(controller: str) -> Path | None:
    """This process's cgroup folder of a v1 controller, if that controller is mounted and writable."""
    try:
        with open("/proc/self/cgroup") as f:
            lines = f.read().splitlines()
        with open("/proc/self/mountinfo") as f:
            mounts = f.read().splitlines()
    except OSError:
        return None
    relative = next((line.split(":", 2)[2] for line in lines
                     if controller in line.split(":", 2)[1].split(",")), None)
    mount = next((line.split()[4] for line in mounts
                  if " - cgroup " in line and controller in line.rsplit(" ", 1)[-1].split(",")), None)
    if relative is None or mount is None:
        return None
    folder = Path(mount) / relative.lstrip("/")
    return folder if os.access(folder, os.W_OK) else None
