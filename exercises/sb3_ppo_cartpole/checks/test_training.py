"""Hidden checks of train_agent: what it returns, that it is reproducible, and that PPO learns.

Reproducibility compares the student's own runs with each other (same seed:
identical weights; another seed: different weights), never with the
reference's random stream.

The learning check trains with train_agent(2048, seed=1, n_steps=128,
batch_size=128, n_epochs=5, learning_rate=3e-3) and plays 5 greedy episodes of
the trained policy with the probe's own loop (CartPole-v1 capped at 200
steps). Measured over 20 seeds (probe seed 0-19, about 1.5 s of CPU per run)
for two random streams: the reference and the correct_* submissions that seed
through PPO(seed=...) reached a mean greedy return of min 121.8 (mean 177);
correct_monitor_set_random_seed, which seeds by hand and so trains on another
stream, min 52.6 (then 58, 66, 71; mean 164). The threshold is 30. Untrained,
an SB3 MlpPolicy's greedy return depends much on its initial weights (9 to 160
over seeds 0-19), so the probe uses seed 1, where the untrained policy falls
after 9.4 steps on average: a train_agent that does not really train fails
there.
"""

import numpy as np
import pytest

from grader.checking import describe, fail

SMALL = {"n_steps": 128, "batch_size": 64, "n_epochs": 2}
RETURN_TO_REACH = 30.0


def _ppo(summary, call):
    if not summary["is_ppo"]:
        fail(f"{call} should return the trained stable_baselines3 PPO model, but it returned a {summary['type']}.")
    return summary


@pytest.mark.points(10)
def test_train_agent_returns_trained_ppo(observe):
    """train_agent returns a PPO trained on one CartPole environment for total_timesteps, with the given settings."""
    call = "train_agent(256, seed=1, n_steps=128, batch_size=64, n_epochs=2)"
    model = _ppo(observe("train_small")["first"], call)
    if model["observation_shape"] != [4] or model["actions"] != 2:
        fail(f"The PPO returned by {call} was not built on CartPole (4 observations, 2 actions): build it on "
             f"make_env().")
    if model["n_envs"] != 1:
        fail(f"train_agent should train on one CartPole-v1 environment, but the PPO has {model['n_envs']} "
             f"environments.")
    if model["num_timesteps"] < 256:
        fail(f"After {call} the PPO had taken {model['num_timesteps']} environment steps: call "
             f"model.learn(total_timesteps=total_timesteps).")
    settings = {key: model[key] for key in SMALL}
    if settings != SMALL:
        fail(f"{call} built a PPO with {settings}: pass the extra keyword arguments (**ppo_kwargs) on to PPO(...).")
    if model["device"] != "cpu":
        fail(f"train_agent should train on the CPU (device='cpu'), but the PPO uses {model['device']!r}.")


@pytest.mark.points(5)
def test_training_is_reproducible(observe):
    """Two trainings with the same seed give the same policy; another seed gives another one."""
    got = observe("train_small")
    model = _ppo(got["first"], "train_agent(256, seed=1, ...)")
    if any(model[key] != value for key, value in SMALL.items()):
        fail("Reproducibility is checked with small settings passed through **ppo_kwargs "
             "(n_steps=128, batch_size=64, n_epochs=2), but train_agent did not pass them on to PPO.")
    first = model["parameters"]
    again, other = got["again"], got["other"]
    if not isinstance(again, np.ndarray) or not isinstance(other, np.ndarray):
        fail(f"train_agent should return a PPO model on every call, but it returned {describe(again)} and "
             f"{describe(other)}.")
    if again.shape != first.shape or not np.array_equal(again, first):
        fail("Two calls of train_agent(256, seed=1, ...) gave different policy weights: pass seed to PPO "
             "(PPO(..., seed=seed)) so that training can be repeated.")
    if np.array_equal(other, first):
        fail("train_agent with seed=1 and with seed=2 gave identical policy weights: the seed argument is not "
             "used.")


@pytest.mark.points(10)
def test_ppo_learns_cartpole(observe):
    """PPO trained by train_agent for 2048 steps balances the pole for at least 30 steps on average."""
    got = observe("learn", seed=1)
    returns = got["returns"]
    if returns is None:
        fail(f"train_agent should return the trained PPO model, but it returned a {got['type']}.")
    mean = float(np.mean(returns))
    assert mean >= RETURN_TO_REACH, (
        f"After train_agent(2048, seed=1, n_steps=128, batch_size=128, n_epochs=5, learning_rate=3e-3), the "
        f"greedy policy kept the pole up for {mean:.0f} steps on average over 5 episodes; at least "
        f"{RETURN_TO_REACH:.0f} was expected (an untrained policy manages about 10). Train with model.learn on "
        f"one CartPole-v1 environment with the settings you are given."
    )
