"""Reference solution for ``torch_gan_train_step`` (seed 001-#5).

The snippet's MLP generator and discriminator, made to work on image batches
of shape (B, *img_shape): the discriminator flattens its input and the
generator reshapes its output, and ``img_shape`` is a tuple whose product is
the number of pixels. One training step draws fresh noise for the batch it is
given, trains D on real and detached fake images, then trains G through D
with the non-saturating loss on fakes that are *not* detached. Every tensor is
created on the device of the real batch; nothing picks a device by itself.
"""

import math

import torch
from torch import nn


def build_generator(z_dim: int, img_shape: tuple[int, ...] = (1, 28, 28)) -> nn.Module:
    """MLP generator: noise of shape (B, z_dim) -> images of shape (B, *img_shape) in [-1, 1]."""
    pixels = math.prod(img_shape)
    return nn.Sequential(
        nn.Linear(z_dim, 128),
        nn.LeakyReLU(0.2),
        nn.Linear(128, 256),
        nn.LeakyReLU(0.2),
        nn.Linear(256, 512),
        nn.LeakyReLU(0.2),
        nn.Linear(512, 1024),
        nn.LeakyReLU(0.2),
        nn.Linear(1024, pixels),
        nn.Tanh(),
        nn.Unflatten(1, tuple(img_shape)),
    )


def build_discriminator(img_shape: tuple[int, ...] = (1, 28, 28)) -> nn.Module:
    """MLP discriminator: images of shape (B, *img_shape) -> (B, 1) probabilities of being real."""
    pixels = math.prod(img_shape)
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(pixels, 1024),
        nn.LeakyReLU(0.2),
        nn.Dropout(0.3),
        nn.Linear(1024, 512),
        nn.LeakyReLU(0.2),
        nn.Dropout(0.3),
        nn.Linear(512, 256),
        nn.LeakyReLU(0.2),
        nn.Dropout(0.3),
        nn.Linear(256, 1),
        nn.Sigmoid(),
    )


_bce = nn.BCELoss()


def train_step(G, D, real, g_opt, d_opt, z_dim, rng=None) -> dict:
    """One discriminator step and one generator step on the batch ``real``; returns both losses."""
    batch = real.size(0)
    z = torch.randn(batch, z_dim, generator=rng, device=real.device)
    fake = G(z)

    # Discriminator: real images are labelled 1, generated ones 0; G gets no gradient here.
    d_opt.zero_grad()
    d_real = D(real)
    d_fake = D(fake.detach())
    d_loss = 0.5 * (_bce(d_real, torch.ones_like(d_real)) + _bce(d_fake, torch.zeros_like(d_fake)))
    d_loss.backward()
    d_opt.step()

    # Generator: make D call the (not detached) fakes real, the non-saturating loss -log D(G(z)).
    g_opt.zero_grad()
    d_out = D(fake)
    g_loss = _bce(d_out, torch.ones_like(d_out))
    g_loss.backward()
    g_opt.step()

    return {"d_loss": d_loss.item(), "g_loss": g_loss.item()}
