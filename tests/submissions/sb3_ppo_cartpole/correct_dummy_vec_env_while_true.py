# correct: PPO on a DummyVecEnv of one make_env() environment, settings merged into one dict, while True/break episode loop with rewards collected in a list
import gymnasium
import numpy as np
from stable_baselines3 import PPO
from stable_baselines3.common.vec_env import DummyVecEnv


def make_env(render_mode=None):
    return gymnasium.make(id="CartPole-v1", render_mode=render_mode)


def train_agent(total_timesteps=10_000, seed=0, **ppo_kwargs):
    settings = {"seed": seed, "device": "cpu", "verbose": 0}
    settings.update(ppo_kwargs)
    agent = PPO(policy="MlpPolicy", env=DummyVecEnv([make_env]), **settings)
    return agent.learn(total_timesteps)


def evaluate_agent(policy, env, n_episodes=5, deterministic=True, seed=0):
    results = []
    for i in range(n_episodes):
        if i == 0:
            obs, info = env.reset(seed=seed)
        else:
            obs, info = env.reset()
        rewards = []
        while True:
            action, _ = policy.predict(obs, deterministic=deterministic)
            obs, reward, terminated, truncated, info = env.step(action)
            rewards.append(reward)
            if terminated or truncated:
                break
        results.append(float(np.sum(rewards)))
    return results
