"""gan_image_sampling: a small generator, sampling, uint8 conversion and checkpoints.

Fill in every function. Read README.md for the full contract. Use torch and
numpy only: no torchvision, no matplotlib, no plotting, no printing, and never
choose a device yourself.
"""

import numpy as np
import torch
from torch import nn


class Generator(nn.Module):
    """Noise (B, latent_dim) -> images (B, channels, img_size, img_size) with pixels in [-1, 1]."""

    def __init__(self, latent_dim: int = 128, channels: int = 3, img_size: int = 32):
        super().__init__()
        raise NotImplementedError

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


def sample_images(generator: nn.Module, n: int, latent_dim: int, seed: int | None = None) -> torch.Tensor:
    """n images generator(z), z ~ N(0, 1) of shape (n, latent_dim) on the generator's device.

    Seeded by ``seed`` when given. Eval mode, no autograd; the generator's mode
    is restored afterwards.
    """
    raise NotImplementedError


def to_uint8_images(x: torch.Tensor) -> np.ndarray:
    """(N, C, H, W) values in [-1, 1] -> (N, H, W, C) uint8: round((v + 1) * 127.5) clipped to [0, 255]."""
    raise NotImplementedError


def save_generator(generator: nn.Module, path) -> None:
    """Save the generator's weights to ``path``."""
    raise NotImplementedError


def load_generator(path, **kwargs) -> Generator:
    """Generator(**kwargs) with the weights saved at ``path`` (loaded onto the CPU), in eval mode."""
    raise NotImplementedError
