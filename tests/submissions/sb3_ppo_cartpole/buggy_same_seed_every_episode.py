# buggy: every episode is reset with the same seed, so all n_episodes are the same episode
import gymnasium as gym
import stable_baselines3 as sb3


def make_env(render_mode=None):
    env = gym.make("CartPole-v1", render_mode=render_mode, max_episode_steps=500)
    return env


def train_agent(total_timesteps=10_000, seed=0, **ppo_kwargs):
    env = make_env()
    model = sb3.PPO("MlpPolicy", env, verbose=0, seed=seed, device="cpu", **ppo_kwargs)
    model.learn(total_timesteps=total_timesteps)
    return model


def evaluate_agent(policy, env, n_episodes=5, deterministic=True, seed=0):
    env.action_space.seed(seed)
    returns = [0.0] * n_episodes
    for episode in range(n_episodes):
        obs, _ = env.reset(seed=seed)
        finished = False
        while not finished:
            action = policy.predict(obs, deterministic=deterministic)[0]
            obs, reward, *ends, _ = env.step(action)
            returns[episode] += reward
            finished = any(ends)
    return returns
