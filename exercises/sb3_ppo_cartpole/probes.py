"""Probes for sb3_ppo_cartpole: run the student's environment factory, training and evaluation loop.

evaluate_agent is observed from the outside: the probe gives it a CartPole-v1
environment of its own wrapped in a recording wrapper (every reset with its seed
and first observation, every step with its reward and terminated/truncated
flags, every render call) and a policy of its own that records what predict was
given. The checks then judge the episodes the loop really ran, whatever seeding
convention or loop shape the student chose; nothing is compared with a reference
rollout. Training is judged on the returned PPO object (its settings, its own
reproducibility) and on the probe's own greedy rollouts of the trained policy.
"""

from grader.probing import probe

MAX_EXTRA_STEPS = 1000
"""Steps the recording environment allows after an episode ended (before a new reset), then it stops the loop."""
MAX_STEPS = 20_000
"""Steps the recording environment allows in all, then it stops the loop."""

LEARN_TIMESTEPS = 2048
LEARN_KWARGS = {"n_steps": 128, "batch_size": 128, "n_epochs": 5, "learning_rate": 3e-3}
"""The training budget of the learning probe (see checks/test_training.py for the margin)."""
EVAL_STEPS = 200
"""Episode length limit of the learning probe's own evaluation rollouts (keeps them cheap)."""


class _Stopped(BaseException):
    """Raised by the recording environment to end a loop that keeps stepping (BaseException: not swallowed)."""


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _seed_value(seed):
    import numbers

    if seed is None:
        return None
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return int(seed)
    return repr(seed)[:40]


def _recording_env(log):
    """CartPole-v1 (gymnasium, 500-step limit) in a wrapper that writes what happens into ``log``."""
    import gymnasium

    class RecordingEnv(gymnasium.Wrapper):
        def reset(self, *, seed=None, options=None):
            obs, info = self.env.reset(seed=seed, options=options)
            log["resets"].append({"seed": _seed_value(seed), "obs": [float(x) for x in obs]})
            self._ended_at = None
            return obs, info

        def step(self, action):
            obs, reward, terminated, truncated, info = self.env.step(action)
            steps = log["steps"]
            steps.append([len(log["resets"]) - 1, float(reward), bool(terminated), bool(truncated)])
            if self._ended_at is not None and len(steps) - self._ended_at > MAX_EXTRA_STEPS:
                log["stopped"] = "kept stepping after the episode ended"
                raise _Stopped()
            if len(steps) > MAX_STEPS:
                log["stopped"] = "too many steps"
                raise _Stopped()
            if (terminated or truncated) and self._ended_at is None:
                self._ended_at = len(steps)
            return obs, reward, terminated, truncated, info

        def render(self):
            log["renders"].append(self.env.render_mode)
            return self.env.render()

    return RecordingEnv(gymnasium.make("CartPole-v1"))


class _RecordingPolicy:
    """Anything-with-predict, like an SB3 model: records what it is given and acts by a fixed rule.

    ``zero`` always pushes left (episodes terminate after about 10 steps);
    ``balance`` pushes toward the pole's fall, int(angle + 0.5 * angular velocity > 0),
    which keeps CartPole up until the 500-step time limit from every start
    (checked on 200 seeds).
    """

    def __init__(self, rule, log):
        self.rule = rule
        self.log = log

    def _act(self, obs):
        if self.rule == "zero":
            return 0
        return int(obs[2] + 0.5 * obs[3] > 0)

    def predict(self, observation, state=None, episode_start=None, deterministic=False):
        import numpy as np

        kind = type(observation).__name__
        if isinstance(observation, tuple) and observation and isinstance(observation[0], np.ndarray):
            observation = observation[0]  # (obs, info) from reset(): note it, act on obs
        elif isinstance(observation, np.ndarray):
            kind = f"ndarray{list(observation.shape)}"
        flag = deterministic if isinstance(deterministic, bool) else repr(deterministic)[:20]
        key = f"{kind}|{flag}"
        self.log["predict"][key] = self.log["predict"].get(key, 0) + 1
        obs = np.asarray(observation, dtype=np.float64) if not isinstance(observation, tuple) else np.zeros(4)
        if obs.ndim == 2:
            return np.array([self._act(row) for row in obs]), state
        if obs.shape != (4,):
            obs = np.zeros(4)
        return np.array(self._act(obs)), state


def _plain_list(value):
    """A list of floats for a list/tuple/array of numbers, else a description."""
    import numbers

    import numpy as np

    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        out = []
        for x in value:
            if isinstance(x, np.ndarray) and x.size == 1:
                x = x.item()
            out.append(float(x) if isinstance(x, numbers.Real) and not isinstance(x, bool) else None)
        return out
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return {"type": "number", "value": float(value)}
    return {"type": type(value).__name__}


# ---------------------------------------------------------------- make_env


@probe("make_env")
def make_env(student):
    """Describe make_env() and make_env(render_mode="rgb_array") (nothing is rendered)."""
    import gymnasium

    env = student.make_env()
    other = student.make_env(render_mode="rgb_array")
    spec = getattr(env, "spec", None)
    space = getattr(env, "action_space", None)
    return {
        "is_gymnasium_env": isinstance(env, gymnasium.Env),
        "type": f"{type(env).__module__}.{type(env).__qualname__}",
        "spec_id": getattr(spec, "id", None),
        "max_episode_steps": getattr(spec, "max_episode_steps", None),
        "observation_shape": list(getattr(getattr(env, "observation_space", None), "shape", None) or []),
        "actions": int(space.n) if isinstance(space, gymnasium.spaces.Discrete) else None,
        "render_mode": getattr(env, "render_mode", "missing"),
        "render_mode_asked": getattr(other, "render_mode", "missing"),
        "fresh": env is not other and env.unwrapped is not other.unwrapped,
    }


# ---------------------------------------------------------------- evaluate_agent


@probe("evaluate", cases=[
    {"rule": "zero", "n_episodes": 3, "seed": 7, "deterministic": True},
    {"rule": "zero", "n_episodes": 3, "seed": 7, "deterministic": False},
    {"rule": "zero", "n_episodes": 2, "seed": 8, "deterministic": True},
    {"rule": "balance", "n_episodes": 2, "seed": 3, "deterministic": True},
])
def evaluate(student, rule, n_episodes, seed, deterministic):
    """evaluate_agent(policy, env, n_episodes=..., deterministic=..., seed=...) with a recording env and policy.

    Returns what evaluate_agent returned and the log: resets (seed, first
    observation), steps ([episode, reward, terminated, truncated]), render calls,
    what predict was given (observation kind and deterministic flag, counted),
    and whether the environment had to stop a loop that kept stepping.
    """
    log = {"resets": [], "steps": [], "renders": [], "predict": {}, "stopped": None}
    env = _recording_env(log)
    policy = _RecordingPolicy(rule, log)
    try:
        returned = _plain_list(student.evaluate_agent(policy, env, n_episodes=n_episodes,
                                                      deterministic=deterministic, seed=seed))
    except _Stopped:
        returned = {"type": "stopped"}
    return {"returned": returned, **log}


# ---------------------------------------------------------------- train_agent


def _summary(model):
    """Settings of a returned model and its policy's parameters (or what it is, if not a PPO)."""
    torch = _torch()
    import stable_baselines3

    if not isinstance(model, stable_baselines3.PPO):
        return {"is_ppo": False, "type": f"{type(model).__module__}.{type(model).__qualname__}"}
    space = model.action_space
    return {
        "is_ppo": True,
        "type": f"{type(model).__module__}.{type(model).__qualname__}",
        "num_timesteps": int(model.num_timesteps),
        "n_steps": int(model.n_steps),
        "batch_size": int(model.batch_size),
        "n_epochs": int(model.n_epochs),
        "n_envs": int(model.n_envs),
        "device": str(model.device),
        "observation_shape": list(model.observation_space.shape),
        "actions": int(getattr(space, "n", -1)),
        "policy": type(model.policy).__name__,
        "parameters": torch.cat([p.detach().reshape(-1).cpu() for p in model.policy.parameters()]),
    }


@probe("train_small", timeout=30)
def train_small(student):
    """train_agent(256, seed=1, n_steps=128, batch_size=64, n_epochs=2) twice, then with seed=2.

    The repeats run only if the first model is a PPO with those settings.
    """
    kwargs = {"n_steps": 128, "batch_size": 64, "n_epochs": 2}
    first = _summary(student.train_agent(256, seed=1, **kwargs))
    if not first["is_ppo"] or any(first[key] != value for key, value in kwargs.items()):
        # PPO's defaults would cost a 2048-step rollout per call: the repeats are not run.
        return {"first": first, "again": None, "other": None}
    again = _summary(student.train_agent(256, seed=1, **kwargs))
    other = _summary(student.train_agent(256, seed=2, **kwargs))
    return {"first": first, "again": again.get("parameters"), "other": other.get("parameters")}


def _greedy_returns(model, seeds):
    """The probe's own rollouts of model.predict(obs, deterministic=True), on CartPole-v1 capped at 200 steps."""
    import gymnasium

    env = gymnasium.make("CartPole-v1", max_episode_steps=EVAL_STEPS)
    returns = []
    for seed in seeds:
        obs, _ = env.reset(seed=seed)
        total, done = 0.0, False
        while not done:
            action, _ = model.predict(obs, deterministic=True)
            obs, reward, terminated, truncated, _ = env.step(action)
            total += float(reward)
            done = terminated or truncated
        returns.append(total)
    return returns


@probe("learn", cases=[{"seed": 1}], timeout=60)
def learn(student, seed):
    """train_agent(2048, seed, n_steps=128, batch_size=128, n_epochs=5, learning_rate=3e-3), then 5 greedy episodes."""
    model = student.train_agent(LEARN_TIMESTEPS, seed=seed, **LEARN_KWARGS)
    summary = _summary(model)
    if not summary["is_ppo"]:
        return {"type": summary["type"], "returns": None}
    return {"type": summary["type"], "num_timesteps": summary["num_timesteps"],
            "returns": _greedy_returns(model, [1000 * k + seed for k in range(1, 6)])}
