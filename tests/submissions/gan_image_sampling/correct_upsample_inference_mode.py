# Correct: a generator of Upsample + Conv2d blocks, sample_images decorated with
# @torch.inference_mode() and a private torch.Generator, to_uint8_images that clips the floats to
# [-1, 1] first and rounds half up (floor(v + 0.5)), and load_generator with
# map_location=torch.device("cpu") and weights_only=True. Should score 100.
import numpy as np
import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self, latent_dim=128, channels=3, img_size=32):
        super().__init__()
        self.base = img_size // 4
        self.fc = nn.Linear(latent_dim, 48 * self.base * self.base)
        self.body = nn.Sequential(
            nn.Upsample(scale_factor=2), nn.Conv2d(48, 24, 3, padding=1), nn.BatchNorm2d(24), nn.ReLU(),
            nn.Upsample(scale_factor=2), nn.Conv2d(24, channels, 3, padding=1), nn.Tanh(),
        )

    def forward(self, z):
        return self.body(self.fc(z).view(len(z), 48, self.base, self.base))


@torch.inference_mode()
def sample_images(generator, n, latent_dim, seed=None):
    param = next(generator.parameters())
    rng = torch.Generator(device=param.device)
    if seed is None:
        rng.seed()
    else:
        rng.manual_seed(seed)
    z = torch.randn((n, latent_dim), generator=rng, device=param.device, dtype=param.dtype)
    training = generator.training
    generator.train(False)
    images = generator(z)
    generator.train(training)
    return images


def to_uint8_images(x):
    values = np.clip(x.detach().cpu().numpy().astype(np.float64), -1.0, 1.0)
    return np.floor((values + 1) / 2 * 255 + 0.5).astype(np.uint8).transpose(0, 2, 3, 1)


def save_generator(generator, path):
    torch.save(generator.state_dict(), path)


def load_generator(path, **kwargs):
    generator = Generator(**kwargs)
    state = torch.load(path, map_location=torch.device("cpu"), weights_only=True)
    generator.load_state_dict(state)
    generator.eval()
    return generator
