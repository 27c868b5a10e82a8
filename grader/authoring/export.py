"""The student bundle (``grader export DIR``) and the public view of an exercise (``grader check``).

A bundle holds, per exercise, what a student may see and nothing else:

- ``README.md`` (the statement) and ``stub.py``;
- ``public/`` (the public checks, verbatim);
- ``probes.py`` cut down to the probes the public checks observe, with the top-level helpers and
  constants those probes use, and no comment or docstring (a comment may describe a hidden input);
- ``exercise.toml`` with only the known bugs that public checks guard.

Never: ``checks/`` (hidden checks), ``solutions/``, ``mutants/``, ``original*.py``, the other known bugs'
explanations. The bundle is an installable project (the grader's own code plus the public course), so
students ``pip install`` it and run ``grader check ID FILE``; the instructor keeps the full course private and
grades with ``grader --course PRIVATE grade``.

Public checks must be shippable: they name their probes literally (``observe("forward", n=2)``), so that
the cut is exact, and they never compare with ``expected(...)`` (a bundle has no reference solution).
:func:`public_problems` says where an exercise breaks this; ``grader verify`` reports it.
"""

from __future__ import annotations

import ast
import builtins
import shutil
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from .. import __version__
from ..errors import ExerciseError
from ..exercise import Course, Exercise, Limits

PROBE_DECORATOR = "probe"
_OBSERVERS = {"observe", "expected"}


@dataclass(frozen=True, slots=True)
class PublicUse:
    """What an exercise's public checks ask of the probes (read from their source, never run)."""

    probes: frozenset[str]
    dynamic: tuple[str, ...] = ()
    """``file:line`` of every ``observe(...)`` whose probe name is not a literal string."""
    expected: tuple[str, ...] = ()
    """``file:line`` of every use of ``expected(...)`` (a bundle has no reference solution)."""
    hidden_imports: tuple[str, ...] = ()
    """``file:line`` of every import from ``checks`` (hidden helpers a bundle does not have)."""


@dataclass(frozen=True, slots=True)
class Shipped:
    """What the bundle holds of one exercise."""

    exercise: str
    probes: tuple[str, ...]
    """The probe names kept in ``probes.py``."""
    names: tuple[str, ...]
    """Every top-level name of ``probes.py`` that was shipped (review these: they are now public)."""
    bugs: tuple[str, ...]
    """The known bugs declared in the bundle's ``exercise.toml`` (those that public checks guard)."""
    warnings: tuple[str, ...] = ()


def public_use(exercise: Exercise) -> PublicUse:
    """Which probes the public checks observe, from their source."""
    names: set[str] = set()
    dynamic: list[str] = []
    expected: list[str] = []
    hidden: list[str] = []
    public = exercise.root / "public"
    for path in sorted(public.rglob("*.py")) if public.is_dir() else []:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(m == "checks" or m.startswith("checks.") for m in modules):
                hidden.append(f"{path.relative_to(exercise.root)}:{node.lineno}")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            observer = func.id if isinstance(func, ast.Name) and func.id in _OBSERVERS else None
            if isinstance(func, ast.Attribute) and func.attr == "error" and isinstance(func.value, ast.Name) \
                    and func.value.id == "observe":
                observer = "observe"
            if observer is None:
                continue
            where = f"{path.relative_to(exercise.root)}:{node.lineno}"
            if observer == "expected":
                expected.append(where)
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
            else:
                dynamic.append(where)
    return PublicUse(frozenset(names), tuple(dynamic), tuple(expected), tuple(hidden))


def public_problems(exercise: Exercise) -> list[str]:
    """Why the public checks could not be shipped to students as they are; empty when they can."""
    use = public_use(exercise)
    problems = [f"{w}: public checks cannot use expected(...) (a student bundle has no reference solution; "
                "write the expected value in the check)" for w in use.expected]
    problems += [f"{w}: public checks cannot import from checks/ (hidden; not in a student bundle): move the "
                 "helper into public/" for w in use.hidden_imports]
    problems += [f"{w}: name the probe with a literal string, observe(\"name\", ...), so that grader export "
                 "knows which probes to ship" for w in use.dynamic]
    declared = _probe_names(ast.parse(exercise.probes.read_text(encoding="utf-8")))
    problems += [f"public checks observe {name!r}, which probes.py does not define"
                 for name in sorted(use.probes - set(declared))]
    return problems


def slice_probes(source: str, wanted: Iterable[str]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """``probes.py`` cut down to the probes named ``wanted`` and what they use.

    Keeps every import, the wanted ``@probe`` functions, and, transitively, each top-level function, class
    or assignment whose name a kept statement uses. Drops comments, the module docstring and everything
    else. Returns the new source, the probes it defines and every top-level name it kept.
    """
    wanted = set(wanted)
    tree = ast.parse(source)
    body = [s for i, s in enumerate(tree.body) if not (i == 0 and _is_docstring(s))]
    facts = [(s, _bound(s), _used(s)) for s in body]
    keep = {i for i, (s, _, _) in enumerate(facts) if _is_import(s) or _probe_name(s) in wanted}
    changed = True
    while changed:
        needed = set().union(*(facts[i][2] for i in keep)) if keep else set()
        extra = {i for i, (_, bound, _) in enumerate(facts) if i not in keep and bound & needed}
        changed = bool(extra)
        keep |= extra
    kept_names = set().union(*(facts[i][1] for i in keep)) if keep else set()
    for i, (s, _, used) in enumerate(facts):  # module-level calls that only use what is shipped (configuration)
        if i not in keep and isinstance(s, ast.Expr) and used <= kept_names | set(dir(builtins)):
            keep.add(i)
    kept = [facts[i][0] for i in sorted(keep)]
    text = ("# Exported for students by `grader export`: only the probes that the public checks use.\n\n"
            + "\n\n".join(ast.unparse(s) for s in kept) + "\n")
    compile(text, "probes.py", "exec")
    probes = tuple(_probe_names(ast.parse(text)))
    names = tuple(sorted({n for s in kept if not _is_import(s) for n in _bound(s)}))
    return text, probes, names


def write_public_exercise(exercise: Exercise, destination: Path) -> Shipped:
    """Write the public part of ``exercise`` to ``destination/<id>/`` (see the module's doc)."""
    from .. import judge  # collecting the checks runs pytest: only here

    problems = public_problems(exercise)
    if problems:
        raise ExerciseError(f"{exercise.id}: its public checks cannot be shipped: " + "; ".join(problems))
    use = public_use(exercise)
    target = destination / exercise.id
    if target.exists():
        shutil.rmtree(target)
    (target / "public").mkdir(parents=True)
    for name in ("README.md", "stub.py"):
        if (exercise.root / name).is_file():
            shutil.copyfile(exercise.root / name, target / name)
    for path in sorted((exercise.root / "public").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            (target / path.relative_to(exercise.root)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / path.relative_to(exercise.root))
    text, probes, names = slice_probes(exercise.probes.read_text(encoding="utf-8"), use.probes)
    (target / "probes.py").write_text(text, encoding="utf-8")
    guarded = {bug for spec in judge.collect(exercise) if spec.public for bug in spec.bugs}
    bugs = tuple(b.id for b in exercise.bugs if b.id in guarded)
    (target / "exercise.toml").write_text(manifest(exercise, bugs), encoding="utf-8")
    warnings = []
    dragged = sorted(set(probes) - use.probes)
    if dragged:
        warnings.append(f"probes.py: public probes call the probe function(s) {dragged}, which were shipped too")
    if (exercise.root / "conftest.py").is_file():
        warnings.append("conftest.py at the exercise's root was not shipped; public checks cannot use its fixtures")
    return Shipped(exercise.id, probes, names, bugs, tuple(warnings))


def export_bundle(course: Course, destination: Path, ids: Sequence[str] | None = None) -> list[Shipped]:
    """Write the student bundle of ``course`` (or of the exercises ``ids``) to ``destination``."""
    exercises = [course.get(i) for i in ids] if ids else course.all()
    destination.mkdir(parents=True, exist_ok=True)
    for stale in ("exercises", "grader", "solutions"):
        if (destination / stale).exists():
            shutil.rmtree(destination / stale)
    shipped = [write_public_exercise(e, destination / "exercises") for e in exercises]
    if (course.root / "course.toml").is_file():
        shutil.copyfile(course.root / "course.toml", destination / "course.toml")
    copy_engine(destination / "grader")
    (destination / "pyproject.toml").write_text(project_file(with_solutions=False,
                                                             with_policy=(destination / "course.toml").is_file()),
                                                encoding="utf-8")
    (destination / "README.md").write_text(_bundle_readme(exercises), encoding="utf-8")
    return shipped


def copy_engine(destination: Path) -> None:
    """The grader's own package (no bundled course, no caches) copied to ``destination``."""
    package = Path(__file__).resolve().parent.parent
    if destination.exists():
        shutil.rmtree(destination)
    shutil.copytree(package, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_course"))


def project_file(*, with_solutions: bool, with_policy: bool) -> str:
    """A ``pyproject.toml`` that installs the grader with the course beside it bundled inside."""
    dependencies, python = _dependencies()
    include = ['"exercises" = "grader/_course/exercises"']
    if with_solutions:
        include.append('"solutions" = "grader/_course/solutions"')
    if with_policy:
        include.append('"course.toml" = "grader/_course/course.toml"')
    deps = "".join(f"    {_toml_string(d)},\n" for d in dependencies)
    return (f'[build-system]\nrequires = ["hatchling>=1.25"]\nbuild-backend = "hatchling.build"\n\n'
            f'[project]\nname = "grader"\nversion = "{__version__}"\n'
            f'description = "Autograder for machine-learning coding exercises (a course bundle)."\n'
            f"requires-python = {_toml_string(python)}\ndependencies = [\n{deps}]\n\n"
            f'[project.scripts]\ngrader = "grader.cli:main"\n\n'
            f'[tool.hatch.build.targets.wheel]\npackages = ["grader"]\n\n'
            f"[tool.hatch.build.targets.wheel.force-include]\n" + "\n".join(include) + "\n")


def manifest(exercise: Exercise, bugs: Sequence[str]) -> str:
    """``exercise.toml`` for the bundle: the same settings, only the known bugs ``bugs``."""
    lines = [f"title = {_toml_string(exercise.title)}", f"source = {_toml_string(exercise.source)}",
             f"framework = {_toml_string(exercise.framework)}", f"points = {exercise.points:g}",
             "preload = [" + ", ".join(_toml_string(m) for m in exercise.preload) + "]", "", "[limits]"]
    lines += [f"{f.name} = {getattr(exercise.limits, f.name):g}" for f in fields(Limits)]
    for bug in exercise.bugs:
        if bug.id in bugs:
            lines += ["", "[[bugs]]", f"id = {_toml_string(bug.id)}", f"title = {_toml_string(bug.title)}",
                      f"explanation = {_toml_string(bug.explanation)}"]
    return "\n".join(lines) + "\n"


# ---- probes.py, statically ---------------------------------------------------------------------------------


def _probe_name(statement: ast.stmt) -> str | None:
    if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for decorator in statement.decorator_list:
        if isinstance(decorator, ast.Call):
            func = decorator.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            first = decorator.args[0] if decorator.args else None
            if name == PROBE_DECORATOR and isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
    return None


def _probe_names(tree: ast.Module) -> list[str]:
    return [name for s in tree.body if (name := _probe_name(s)) is not None]


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


def _is_import(statement: ast.stmt) -> bool:
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(statement, (ast.Try, ast.If)):  # import guards: try: import x / except ImportError: x = None
        inner = [*statement.body, *getattr(statement, "orelse", [])]
        for handler in getattr(statement, "handlers", []):
            inner += handler.body
        return all(isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass)) or
                   (isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant)) for s in inner)
    return False


def _bound(statement: ast.stmt) -> set[str]:
    """Top-level names a statement binds."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    names = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not statement:
            names.add(node.name)
    return names


def _used(statement: ast.stmt) -> set[str]:
    """Names a statement reads that may be top-level ones (a function's own locals left out)."""
    loads = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = statement.args
        local = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
        local |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
        for node in statement.body:
            local |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        outer = set()
        for node in [*statement.decorator_list, *arguments.defaults, *arguments.kw_defaults]:
            if node is not None:
                outer |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        return (loads - local) | outer
    return loads


# ---- the installable project -------------------------------------------------------------------------------


def _dependencies() -> tuple[list[str], str]:
    """The grader's runtime dependencies and Python requirement: from the checkout's pyproject.toml, else
    from the installed distribution's metadata."""
    pyproject = Path(__file__).resolve().parent.parent.parent / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == "grader":
            return list(project.get("dependencies", [])), project.get("requires-python", ">=3.11")
    from importlib import metadata

    requirements = [r for r in metadata.requires("grader") or [] if "extra ==" not in r]
    return requirements, metadata.metadata("grader").get("Requires-Python") or ">=3.11"


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, except that TOML has no ``\\/``)."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out) + '"'


def _bundle_readme(exercises: Sequence[Exercise]) -> str:
    rows = "".join(f"| `{e.id}` | {e.title} | {e.framework} | {e.points:g} |\n" for e in exercises)
    return f"""# Course bundle (grader {__version__})

What you need to solve and check the exercises: each exercise's statement (`exercises/<id>/README.md`),
the file to start from (`stub.py`) and its **public** checks. Your instructor grades with more checks, which
are not in this bundle.

## Install

```bash
python3 -m venv .venv && . .venv/bin/activate
pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu   # the CPU build
pip install .                                                                  # this folder
sudo apt-get install bubblewrap    # the sandbox your code runs in (Debian/Ubuntu)
```

## Use

```bash
grader list                      # the exercises
grader show ID                   # a statement
grader check ID my_solution.py   # run the public checks on your file (.py, .ipynb or .zip)
```

The score `grader check` prints covers the public checks only.

| exercise | title | framework | points |
|---|---|---|---|
{rows}"""
