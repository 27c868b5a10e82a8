"""torch_gan_train_step: an MLP GAN and one correct training step.

Fill in every function. Read README.md for the full contract. Use torch only:
no torchvision, no datasets, no plotting, no printing, and never choose a
device yourself (create tensors on real.device).
"""

import torch
from torch import nn


def build_generator(z_dim: int, img_shape: tuple = (1, 28, 28)) -> nn.Module:
    """MLP generator: noise of shape (B, z_dim) -> images of shape (B, *img_shape) with pixels in [-1, 1]."""
    raise NotImplementedError


def build_discriminator(img_shape: tuple = (1, 28, 28)) -> nn.Module:
    """MLP discriminator: images of shape (B, *img_shape) -> (B, 1) probabilities that each image is real."""
    raise NotImplementedError


def train_step(G, D, real: torch.Tensor, g_opt, d_opt, z_dim: int, rng: torch.Generator | None = None) -> dict:
    """One discriminator step, then one generator step, on the batch ``real``.

    Draw fresh noise z ~ N(0, 1) of shape (real.size(0), z_dim) on real.device
    (from ``rng`` when it is given). Discriminator step: d_loss = 0.5 *
    (BCE(D(real), 1) + BCE(D(G(z)), 0)) with the fakes detached, then
    d_opt.step(). Generator step: g_loss = BCE(D(G(z)), 1) on fakes that are
    not detached, then g_opt.step(). Zero each model's gradients before its
    backward pass. Return {"d_loss": float, "g_loss": float}.
    """
    raise NotImplementedError
