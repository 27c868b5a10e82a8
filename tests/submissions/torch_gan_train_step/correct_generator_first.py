# Correct: the generator is trained first (with D's parameters frozen by requires_grad_(False)),
# then the discriminator on the same fakes, detached, with real and fake images concatenated
# into one D call; losses written by hand with torch.log; D back-propagates the *sum* of its
# two terms (only the returned d_loss is the mean); BatchNorm in the generator; noise from
# torch.normal(..., generator=rng). Should score 100.
import math

import torch
from torch import nn


def build_generator(z_dim, img_shape=(1, 28, 28)):
    layers, width = [], z_dim
    for out in (64, 128, 256):
        layers += [nn.Linear(width, out), nn.BatchNorm1d(out), nn.ReLU()]
        width = out
    layers += [nn.Linear(width, math.prod(img_shape)), nn.Tanh(), nn.Unflatten(1, tuple(img_shape))]
    return nn.Sequential(*layers)


def build_discriminator(img_shape=(1, 28, 28)):
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(math.prod(img_shape), 256), nn.LeakyReLU(0.2), nn.Dropout(0.2),
        nn.Linear(256, 64), nn.LeakyReLU(0.2),
        nn.Linear(64, 1), nn.Sigmoid(),
    )


def _bce(p, target):
    eps = 1e-12
    return -(target * torch.log(p.clamp_min(eps)) + (1 - target) * torch.log((1 - p).clamp_min(eps))).mean()


def train_step(G, D, real, g_opt, d_opt, z_dim, rng=None):
    n = real.shape[0]
    z = torch.normal(0.0, 1.0, size=(n, z_dim), generator=rng).to(real.device)
    fake = G(z)

    # generator first, with D frozen
    for p in D.parameters():
        p.requires_grad_(False)
    g_opt.zero_grad()
    g_loss = -torch.log(D(fake).clamp_min(1e-12)).mean()
    g_loss.backward()
    g_opt.step()
    for p in D.parameters():
        p.requires_grad_(True)

    # then the discriminator, one call on real and fake images together
    d_opt.zero_grad()
    scores = D(torch.cat([real, fake.detach()]))
    labels = torch.cat([torch.ones(n, 1), torch.zeros(n, 1)]).to(scores)
    loss_real, loss_fake = _bce(scores[:n], labels[:n]), _bce(scores[n:], labels[n:])
    (loss_real + loss_fake).backward()
    d_opt.step()
    return {"d_loss": (0.5 * (loss_real + loss_fake)).item(), "g_loss": g_loss.item()}
