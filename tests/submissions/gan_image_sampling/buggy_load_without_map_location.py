# Buggy: load_generator calls torch.load(path) without map_location, so a checkpoint written on a
# GPU machine cannot be loaded on a CPU-only one. Should fail test_save_and_load_round_trip and name
# no known bug.
import numpy as np
import torch
from torch import nn


class Generator(nn.Module):
    """DCGAN-style generator: noise (B, latent_dim) -> images (B, channels, img_size, img_size) in [-1, 1]."""

    def __init__(self, latent_dim: int = 128, channels: int = 3, img_size: int = 32):
        super().__init__()
        if img_size % 4:
            raise ValueError("img_size must be a multiple of 4")
        self.latent_dim, self.channels, self.img_size = latent_dim, channels, img_size
        self.start = img_size // 4
        self.project = nn.Sequential(
            nn.Linear(latent_dim, 64 * self.start * self.start),
            nn.BatchNorm1d(64 * self.start * self.start),
            nn.ReLU(),
        )
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(64, 32, kernel_size=4, stride=2, padding=1),  # start -> 2 start
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.ConvTranspose2d(32, channels, kernel_size=4, stride=2, padding=1),  # -> 4 start
            nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.project(z).view(z.size(0), 64, self.start, self.start)
        return self.upsample(x)


def sample_images(generator: nn.Module, n: int, latent_dim: int, seed: int | None = None) -> torch.Tensor:
    """n images from generator(z), z ~ N(0, 1) on the generator's device; eval mode, no autograd."""
    device = next(generator.parameters()).device
    rng = torch.Generator(device=device).manual_seed(seed) if seed is not None else None
    z = torch.randn(n, latent_dim, generator=rng, device=device)
    was_training = generator.training
    generator.eval()
    try:
        with torch.no_grad():
            return generator(z)
    finally:
        generator.train(was_training)


def to_uint8_images(x: torch.Tensor) -> np.ndarray:
    """(N, C, H, W) floats in [-1, 1] -> (N, H, W, C) uint8 in [0, 255], rounded and clipped."""
    values = x.detach().cpu().float().numpy()
    pixels = np.clip(np.rint((values + 1.0) * 127.5), 0, 255).astype(np.uint8)
    return pixels.transpose(0, 2, 3, 1)


def save_generator(generator: nn.Module, path) -> None:
    """Write the generator's state dict to path."""
    torch.save(generator.state_dict(), path)


def load_generator(path, **kwargs) -> Generator:
    """Generator(**kwargs) with the weights saved at path, loaded onto the CPU, in eval mode."""
    generator = Generator(**kwargs)
    generator.load_state_dict(torch.load(path))
    generator.eval()
    return generator
