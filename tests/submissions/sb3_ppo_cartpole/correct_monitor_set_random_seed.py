# Correct: the training environment wrapped in Monitor and seeded by hand (SB3's set_random_seed, a seeded
# first reset and action space) instead of PPO(seed=...), so training draws another random stream than the
# reference's yet is reproducible; the episode loop written with itertools.count and a `done` flag, seeds
# seed + 100 * i, and the returns handed back through a numpy array.
import itertools

import gymnasium as gym
import numpy as np
from stable_baselines3 import PPO
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.utils import set_random_seed


def make_env(render_mode=None):
    return gym.make("CartPole-v1", render_mode=render_mode)


def train_agent(total_timesteps=10_000, seed=0, **ppo_kwargs):
    set_random_seed(seed)
    env = Monitor(make_env())
    env.reset(seed=seed)
    env.action_space.seed(seed)
    model = PPO("MlpPolicy", env, verbose=0, device="cpu", **ppo_kwargs)
    model.learn(total_timesteps=total_timesteps)
    env.close()
    return model


def evaluate_agent(policy, env, n_episodes=5, deterministic=True, seed=0):
    totals = np.zeros(n_episodes)
    for episode in range(n_episodes):
        obs, _ = env.reset(seed=seed + 100 * episode)
        for _step in itertools.count():
            action, _ = policy.predict(obs, deterministic=deterministic)
            obs, reward, terminated, truncated, _ = env.step(action)
            totals[episode] += reward
            done = terminated or truncated
            if done:
                break
    return totals.tolist()
