# Correct: training on make_vec_env(make_env, n_envs=1, seed=seed), evaluation with SB3's own
# evaluate_policy on a seeded DummyVecEnv (which auto-resets after every episode and hands predict
# batched (1, 4) observations).
import gymnasium as gym
from stable_baselines3 import PPO
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.vec_env import DummyVecEnv


def make_env(render_mode=None):
    return gym.make("CartPole-v1", render_mode=render_mode)


def train_agent(total_timesteps=10_000, seed=0, **ppo_kwargs):
    vec_env = make_vec_env(make_env, n_envs=1, seed=seed)
    model = PPO("MlpPolicy", vec_env, seed=seed, device="cpu", **ppo_kwargs)
    return model.learn(total_timesteps)


def evaluate_agent(policy, env, n_episodes=5, deterministic=True, seed=0):
    vec_env = DummyVecEnv([lambda: env])
    vec_env.seed(seed)
    rewards, _lengths = evaluate_policy(policy, vec_env, n_eval_episodes=n_episodes, deterministic=deterministic,
                                        return_episode_rewards=True, warn=False)
    return [float(r) for r in rewards]
