# Correct: PPO built from the environment id (SB3 makes the same gymnasium CartPole-v1), a `done`
# flag loop, per-episode seeds seed + i, and actions converted with .item().
import gymnasium as gym
from stable_baselines3 import PPO


def make_env(render_mode=None):
    return gym.make("CartPole-v1", render_mode=render_mode)


def train_agent(total_timesteps=10_000, seed=0, **ppo_kwargs):
    settings = dict(seed=seed, device="cpu", verbose=0)
    settings.update(ppo_kwargs)
    model = PPO("MlpPolicy", "CartPole-v1", **settings)
    model.learn(total_timesteps)
    return model


def run_episode(policy, env, deterministic, seed):
    obs, info = env.reset(seed=seed)
    done, total = False, 0.0
    while not done:
        action, _states = policy.predict(obs, deterministic=deterministic)
        obs, reward, terminated, truncated, info = env.step(action.item())
        total += float(reward)
        done = terminated or truncated
    return total


def evaluate_agent(policy, env, n_episodes=5, deterministic=True, seed=0):
    return [run_episode(policy, env, deterministic, seed + i) for i in range(n_episodes)]
