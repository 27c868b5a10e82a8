# Correct: nn.Module subclasses with x.flatten(1) / .view, the discriminator's fakes made under
# torch.no_grad() from one noise batch and the generator trained on a second, freshly drawn batch
# (two generator calls per step), noise drawn with Tensor.normal_(generator=rng), functional
# binary_cross_entropy, gradients zeroed with model.zero_grad(). Should score 100.
import math

import torch
import torch.nn.functional as F
from torch import nn


class Generator(nn.Module):
    def __init__(self, z_dim, img_shape):
        super().__init__()
        self.img_shape = tuple(img_shape)
        self.net = nn.Sequential(
            nn.Linear(z_dim, 256), nn.LeakyReLU(0.2),
            nn.Linear(256, 512), nn.LeakyReLU(0.2),
            nn.Linear(512, math.prod(self.img_shape)), nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z).view(z.size(0), *self.img_shape)


class Discriminator(nn.Module):
    def __init__(self, img_shape):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(math.prod(img_shape), 512), nn.LeakyReLU(0.2),
            nn.Linear(512, 256), nn.LeakyReLU(0.2),
            nn.Linear(256, 1),
        )

    def forward(self, images):
        return torch.sigmoid(self.net(images.flatten(1)))


def build_generator(z_dim, img_shape=(1, 28, 28)):
    return Generator(z_dim, img_shape)


def build_discriminator(img_shape=(1, 28, 28)):
    return Discriminator(img_shape)


def _noise(n, z_dim, like, rng):
    return torch.empty(n, z_dim, device=like.device, dtype=like.dtype).normal_(generator=rng)


def train_step(G, D, real, g_opt, d_opt, z_dim, rng=None):
    n = real.size(0)

    with torch.no_grad():
        fake = G(_noise(n, z_dim, real, rng))
    D.zero_grad()
    p_real, p_fake = D(real), D(fake)
    d_loss = (F.binary_cross_entropy(p_real, torch.ones_like(p_real))
              + F.binary_cross_entropy(p_fake, torch.zeros_like(p_fake))) / 2
    d_loss.backward()
    d_opt.step()

    G.zero_grad()
    p = D(G(_noise(n, z_dim, real, rng)))
    g_loss = F.binary_cross_entropy(p, torch.ones_like(p))
    g_loss.backward()
    g_opt.step()
    return {"d_loss": float(d_loss.detach()), "g_loss": float(g_loss.detach())}
