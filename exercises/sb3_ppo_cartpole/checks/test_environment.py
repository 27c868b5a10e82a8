"""Hidden check: the file runs on gymnasium (SB3 2.x), not the unmaintained gym package."""

import pytest

from grader.checking import fail, raised


@pytest.mark.points(10)
@pytest.mark.bug("gym-import")
def test_uses_gymnasium(observe):
    """The file imports without the old gym package, and make_env() returns a gymnasium environment."""
    error = observe.error("import") or observe.error("make_env")
    if raised(error, "ModuleNotFoundError", "'gym'"):
        fail("Your file imports gym, which is not installed: Stable-Baselines3 2.x works with gymnasium, the "
             "maintained fork. Write `import gymnasium as gym` (the API differs: reset returns (obs, info) "
             "and step returns 5 values).", bug="gym-import")
    info = observe("import")
    if "gym" in info["modules"]:
        fail("Importing your file imported the unmaintained gym package; Stable-Baselines3 2.x needs "
             "gymnasium environments. Import gymnasium instead.", bug="gym-import")
    env = observe("make_env")
    if not env["is_gymnasium_env"]:
        fail(f"make_env() should return a gymnasium environment, but it returned a {env['type']}.")
