# Correct: only the first reset is seeded (the environment's generator then makes the later episodes
# reproducible), a `while True` loop that breaks on terminated or truncated, integer step counts as
# returns (every CartPole reward is 1), and PPO given its arguments by keyword.
import gymnasium
from stable_baselines3 import PPO


def make_env(render_mode=None):
    env = gymnasium.make(id="CartPole-v1", render_mode=render_mode)
    return env


def train_agent(total_timesteps=10_000, seed=0, **ppo_kwargs):
    agent = PPO(policy="MlpPolicy", env=make_env(), seed=seed, device="cpu", verbose=0, **ppo_kwargs)
    agent.learn(total_timesteps=total_timesteps, progress_bar=False)
    return agent


def evaluate_agent(policy, env, n_episodes=5, deterministic=True, seed=0):
    scores = []
    for i in range(n_episodes):
        observation, info = env.reset(seed=seed) if i == 0 else env.reset()
        score = 0
        while True:
            action, _ = policy.predict(observation, deterministic=deterministic)
            observation, reward, terminated, truncated, info = env.step(int(action))
            score += reward
            if terminated or truncated:
                break
        scores.append(score)
    return scores
