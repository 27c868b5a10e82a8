"""Mutant ``truncation-ignored`` of sb3_ppo_cartpole: the reference solution with one known bug put back.

An episode ends only when it is terminated; truncation at the time limit is ignored.
"""

import gymnasium as gym
from stable_baselines3 import PPO


def make_env(render_mode=None):
    """A new CartPole-v1 environment (gymnasium, 500-step time limit)."""
    return gym.make("CartPole-v1", render_mode=render_mode)


def train_agent(total_timesteps=10_000, seed=0, **ppo_kwargs):
    """PPO with an MLP policy, trained on one CartPole-v1 environment for ``total_timesteps`` steps."""
    model = PPO("MlpPolicy", make_env(), seed=seed, device="cpu", verbose=0, **ppo_kwargs)
    model.learn(total_timesteps=total_timesteps)
    return model


def evaluate_agent(policy, env, n_episodes=5, deterministic=True, seed=0):
    """The return of each of ``n_episodes`` full episodes of ``policy`` on ``env``."""
    returns = []
    for episode in range(n_episodes):
        obs, _info = env.reset(seed=seed + episode)
        episode_return = 0.0
        done = False
        while not done:
            action, _state = policy.predict(obs, deterministic=deterministic)
            obs, reward, terminated, truncated, _info = env.step(action)
            episode_return += float(reward)
            done = terminated
        returns.append(episode_return)
    return returns
