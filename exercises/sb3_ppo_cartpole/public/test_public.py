"""Public check for sb3_ppo_cartpole: make_env builds gymnasium's CartPole-v1.

The probe calls ``make_env()`` and ``make_env(render_mode="rgb_array")`` and
describes both environments; it never renders or steps them.
"""

import pytest

from grader.checking import fail


@pytest.mark.points(5)
def test_make_env(observe):
    """make_env() is a fresh gymnasium CartPole-v1 (500-step limit) that keeps the render_mode it is given."""
    env = observe("make_env")
    if not env["is_gymnasium_env"]:
        fail(f"make_env() should return a gymnasium environment (gymnasium.make(...)), but it returned a "
             f"{env['type']}.")
    if env["spec_id"] != "CartPole-v1":
        fail(f"make_env() should make 'CartPole-v1', but the environment's spec id is {env['spec_id']!r}.")
    if env["observation_shape"] != [4] or env["actions"] != 2:
        fail("make_env()'s environment should observe 4 numbers and offer 2 discrete actions, as CartPole-v1 does.")
    if env["max_episode_steps"] != 500:
        fail(f"CartPole-v1 episodes are truncated after 500 steps, but make_env()'s environment has "
             f"max_episode_steps={env['max_episode_steps']!r}: keep gymnasium's default time limit.")
    if env["render_mode"] is not None:
        fail(f"make_env() without arguments should not render (render_mode=None), but its render_mode is "
             f"{env['render_mode']!r}.")
    if env["render_mode_asked"] != "rgb_array":
        fail(f"make_env(render_mode='rgb_array') should pass render_mode to gymnasium.make, but the "
             f"environment's render_mode is {env['render_mode_asked']!r}.")
    if not env["fresh"]:
        fail("Two calls of make_env() returned the same environment object: build a new one on every call.")
