"""Hidden checks of evaluate_agent, judged on the episodes it really ran.

The probe hands evaluate_agent a CartPole-v1 environment (render_mode None)
wrapped in a recorder, and a policy of its own with a predict method: "zero"
always pushes left (episodes terminate after 8-11 steps), "balance" keeps the
pole up until the 500-step time limit (truncation) from every start state
(checked on 200 seeds). Any seeding convention (reset(seed=seed) once, or
seed + i per episode) and any loop shape (including SB3's evaluate_policy)
is accepted: the checks read the episodes from the recorder, never compare
them with a reference rollout.
"""

import math

import pytest

from grader.checking import describe, fail, raised

ZERO = [
    {"rule": "zero", "n_episodes": 3, "seed": 7, "deterministic": True},
    {"rule": "zero", "n_episodes": 3, "seed": 7, "deterministic": False},
    {"rule": "zero", "n_episodes": 2, "seed": 8, "deterministic": True},
]
BALANCE = {"rule": "balance", "n_episodes": 2, "seed": 3, "deterministic": True}
TIME_LIMIT = 500


class Episode:
    """One reset of the recorded environment and the steps taken until the next reset."""

    def __init__(self, reset):
        self.seed = reset["seed"]
        self.start = reset["obs"]
        self.steps = []  # (reward, terminated, truncated)

    @property
    def end(self):
        """Index of the step that terminated or truncated the episode, or None."""
        return next((i for i, (_, term, trunc) in enumerate(self.steps) if term or trunc), None)

    @property
    def extra_steps(self):
        return 0 if self.end is None else len(self.steps) - self.end - 1

    @property
    def ended_by_truncation(self):
        return self.end is not None and self.steps[self.end][2] and not self.steps[self.end][1]

    @property
    def episode_return(self):
        last = len(self.steps) if self.end is None else self.end + 1
        return float(sum(reward for reward, _, _ in self.steps[:last]))


def _episodes(got):
    episodes = [Episode(reset) for reset in got["resets"]]
    for index, reward, terminated, truncated in got["steps"]:
        episodes[index].steps.append((reward, terminated, truncated))
    return episodes


def _stepped_without_reset(resets, n_episodes):
    fail(f"evaluate_agent kept calling env.step() after an episode had ended, and reset the environment only "
         f"{resets} time(s) for {n_episodes} episodes: start every episode with env.reset().")


def _played(episodes):
    """Episodes in which at least one step was taken (a reset followed by no step is harmless)."""
    return [e for e in episodes if e.steps]


def _expect_returns(got, played, case):
    returned = got["returned"]
    n = case["n_episodes"]
    if not isinstance(returned, list):
        shown = describe(returned.get("value")) if returned.get("type") == "number" else f"a {returned['type']}"
        fail(f"evaluate_agent should return a list with the return of each of its {n} episodes, but it "
             f"returned {shown}.")
    if len(returned) != n or any(x is None for x in returned):
        fail(f"evaluate_agent(n_episodes={n}) should return a list of {n} numbers (one return per episode), but "
             f"it returned {describe(returned)}.")
    wanted = [e.episode_return for e in played]
    for k, (value, want) in enumerate(zip(returned, wanted, strict=True)):
        if not math.isclose(value, want, rel_tol=1e-9, abs_tol=1e-6):
            fail(f"evaluate_agent returned {value:g} for episode {k + 1}, but the rewards the environment gave "
                 f"in that episode add up to {want:g}.")


@pytest.mark.points(20)
@pytest.mark.bug("reset-tuple")
@pytest.mark.bug("step-5-tuple")
def test_episode_loop_uses_gymnasium_api(observe):
    """evaluate_agent runs n full episodes with the gymnasium API and returns each episode's return."""
    for case in ZERO:
        error = observe.error("evaluate", **case)
        if raised(error, "ValueError", "too many values to unpack", "expected 4"):
            fail("Unpacking env.step(action) into 4 values raised 'too many values to unpack': gymnasium's "
                 "step returns 5, obs, reward, terminated, truncated, info.", bug="step-5-tuple")
        if raised(error, "ValueError", "passed a tuple to the predict()"):
            fail("policy.predict was given the (obs, info) tuple that env.reset() returns in gymnasium: unpack "
                 "it, obs, info = env.reset(seed=...).", bug="reset-tuple")
        if raised(error, "AssertionError", "<class 'tuple'>) invalid"):
            fail("env.step() was given a tuple, not an action: policy.predict returns (action, state), so write "
                 "action, _state = policy.predict(obs, deterministic=deterministic).")
        got = observe("evaluate", **case)
        if any(key.startswith("tuple|") for key in got["predict"]):
            fail("policy.predict was given a tuple instead of an observation array: in gymnasium env.reset() "
                 "returns (obs, info), so write obs, info = env.reset(seed=...).", bug="reset-tuple")
        if not got["predict"]:
            fail("evaluate_agent never called policy.predict: choose every action with "
                 "policy.predict(obs, deterministic=deterministic).")
        episodes = _episodes(got)
        played = _played(episodes)
        overrun = next((e for e in played if e.extra_steps), None)
        if overrun is not None and len(played) < case["n_episodes"]:
            _stepped_without_reset(len(played), case["n_episodes"])
        if overrun is not None:
            fail(f"After an episode terminated, evaluate_agent kept calling env.step() ({overrun.extra_steps} more "
                 f"times) without a reset: stop the episode when terminated is True.")
        if any(e.end is None for e in played):
            fail("evaluate_agent stopped an episode (or reset the environment) before the environment said it "
                 "was over: run each episode until terminated or truncated is True.")
        if len(played) != case["n_episodes"]:
            fail(f"evaluate_agent(n_episodes={case['n_episodes']}) should play {case['n_episodes']} episodes, "
                 f"each from a reset, but the environment saw {len(played)}.")
        _expect_returns(got, played, case)


@pytest.mark.points(20)
@pytest.mark.bug("truncation-ignored")
def test_episodes_end_at_truncation(observe):
    """An episode that reaches CartPole's 500-step limit ends there (truncated), with return 500."""
    got = observe("evaluate", **BALANCE)
    played = _played(_episodes(got))
    overrun = next((e for e in played if e.extra_steps and e.ended_by_truncation), None)
    # Ignoring truncation means stepping on until the pole falls (or the recorder stops the loop); a loop
    # that stops at truncation but forgets the next reset steps once more and stops again.
    if overrun is not None and (overrun.steps[-1][1] or (got["stopped"] and overrun is played[-1])):
        fail(f"The environment truncated an episode at its {TIME_LIMIT}-step limit (truncated=True), but "
             f"evaluate_agent kept stepping it ({overrun.extra_steps} more steps; gymnasium raises no error for "
             f"that). An episode is over when terminated or truncated is True.", bug="truncation-ignored")
    if any(e.extra_steps for e in played):
        if len(played) < BALANCE["n_episodes"]:
            _stepped_without_reset(len(played), BALANCE["n_episodes"])
        fail("After an episode ended, evaluate_agent kept calling env.step() on it: an episode is over as soon "
             "as terminated or truncated is True; start the next one with env.reset().")
    if any(e.end is None for e in played):
        fail(f"With a policy that balances the pole, episodes last until CartPole's {TIME_LIMIT}-step limit, but "
             f"evaluate_agent stopped an episode before the environment said it was over (truncated): run each "
             f"episode until terminated or truncated is True, with no step cap of your own.")
    if len(played) != BALANCE["n_episodes"]:
        fail(f"evaluate_agent(n_episodes={BALANCE['n_episodes']}) should play {BALANCE['n_episodes']} episodes, "
             f"each from a reset, but the environment saw {len(played)}.")
    _expect_returns(got, played, BALANCE)


@pytest.mark.points(10)
def test_deterministic_is_forwarded(observe):
    """Every policy.predict call gets the deterministic flag that evaluate_agent was given."""
    for case in ZERO[:2]:
        got = observe("evaluate", **case)
        flags = {key.split("|", 1)[1] for key in got["predict"]}
        if not flags:
            fail("evaluate_agent never called policy.predict.")
        wanted = str(case["deterministic"])
        if flags != {wanted}:
            fail(f"evaluate_agent(deterministic={wanted}) called policy.predict with deterministic="
                 f"{' and '.join(sorted(flags))}: pass the argument on, predict(obs, deterministic=deterministic).")


@pytest.mark.points(5)
@pytest.mark.bug("render-without-mode")
def test_never_renders_without_render_mode(observe):
    """evaluate_agent does not call env.render() on an environment made without a render_mode."""
    cases = [*ZERO, BALANCE]
    ran = [case for case in cases if observe.error("evaluate", **case) is None]
    if not ran:
        observe("evaluate", **cases[0])  # fails with what the student's code raised
    for case in ran:
        renders = observe("evaluate", **case)["renders"]
        if renders:
            fail(f"evaluate_agent called env.render() {len(renders)} times on an environment made without a "
                 f"render_mode: gymnasium then renders nothing, returns None and warns. Do not call render(); "
                 f"to watch an agent, make the environment with render_mode='human' (it renders at every step).",
                 bug="render-without-mode")


@pytest.mark.points(5)
def test_evaluation_is_seeded(observe):
    """The same seed gives the same episode start states; another seed gives other ones."""
    first, again, other = (observe("evaluate", **case) for case in ZERO)
    starts = [[e.start for e in _played(_episodes(got))] for got in (first, again, other)]
    if not starts[0] or not starts[2]:
        fail("evaluate_agent played no episode.")
    if starts[0] != starts[1]:
        fail("Two evaluations with seed=7 on fresh environments started their episodes from different states: "
             "seed the resets (env.reset(seed=seed) for the first episode) so that an evaluation can be "
             "repeated.")
    if starts[2][0] == starts[0][0]:
        fail("Evaluations with seed=7 and seed=8 started from the same state: the first reset should use the "
             "seed argument.")
    if len({tuple(start) for start in starts[0]}) < len(starts[0]):
        fail(f"The {len(starts[0])} episodes of one evaluation (seed=7) did not all start from different states, "
             f"so it replayed the same episode: seed only the first reset (env.reset(seed=seed)), or the later "
             f"ones with seed + i, not every reset with the same seed.")
