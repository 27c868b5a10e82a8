"""sb3_ppo_cartpole: train and evaluate PPO on CartPole with the gymnasium API.

Fill in every function. Read README.md for the full contract. Use
stable_baselines3 (2.x) and gymnasium; never gym, never render in a loop.
"""

import gymnasium as gym
from stable_baselines3 import PPO


def make_env(render_mode=None):
    """A new gymnasium CartPole-v1 environment (500-step time limit) with the given render_mode."""
    raise NotImplementedError


def train_agent(total_timesteps=10_000, seed=0, **ppo_kwargs):
    """A PPO("MlpPolicy") model trained on one make_env() environment for total_timesteps steps.

    Seeded with seed, on the CPU, with ppo_kwargs passed on to PPO(...). Returns the model.
    """
    raise NotImplementedError


def evaluate_agent(policy, env, n_episodes=5, deterministic=True, seed=0):
    """Play n_episodes full episodes of policy on env and return the list of their returns.

    Actions come from policy.predict(obs, deterministic=deterministic); the first
    reset uses seed; an episode ends when terminated or truncated is True; nothing
    is rendered.
    """
    raise NotImplementedError
