import random

import torch  # noqa: F401  (a notebook imports what it uses)
from torch import nn


def generate(successors, start, n, seed):
    rng = random.Random(seed)
    words = [start]
    for _ in range(n):
        options = successors.get(words[-1], [])
        if not options:
            break
        words.append(rng.choice(options))
    return words


def build_cnn():
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 8, 3, padding=1),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 4 * 4, 4))


def train_step(model, images, labels, optimizer):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()
