# The seed snippet (002-A4, "a deep reinforcement learning agent with Stable Baselines3 on CartPole"),
# shaped to the exercise's API with every bug kept: the old gym import, reset() read as one value,
# step() unpacked into four, render() without a render mode, and `done` as the only end of an episode
# (which also ignores truncation). The snippet evaluated one episode of at most 1000 steps.
import gym
from stable_baselines3 import PPO


def make_env(render_mode=None):
    return gym.make("CartPole-v1")


def train_agent(total_timesteps=10_000, seed=0, **ppo_kwargs):
    env = make_env()
    model = PPO("MlpPolicy", env, verbose=1)
    model.learn(total_timesteps=total_timesteps)
    return model


def evaluate_agent(policy, env, n_episodes=5, deterministic=True, seed=0):
    obs = env.reset()
    for _ in range(1000):
        action, _ = policy.predict(obs)
        obs, reward, done, info = env.step(action)
        env.render()
        if done:
            break

    env.close()
