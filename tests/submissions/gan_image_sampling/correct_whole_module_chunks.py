# Correct: the generator is sampled in chunks of at most 4 images (concatenated), the noise is
# drawn on the CPU and moved to the generator's device, the mode is restored by a context manager,
# the checkpoint pickles the whole module (torch.save(generator)) and load_generator reads it back
# with weights_only=False onto the CPU. to_uint8_images uses np.round then np.clip and einsum-free
# np.moveaxis. Should score 100.
import contextlib

import numpy as np
import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self, latent_dim=128, channels=3, img_size=32):
        super().__init__()
        s = img_size // 4
        self.net = nn.Sequential(
            nn.Linear(latent_dim, 32 * s * s), nn.ReLU(),
            nn.Unflatten(1, (32, s, s)),
            nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.ReLU(),
            nn.ConvTranspose2d(16, channels, 4, 2, 1), nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z)


@contextlib.contextmanager
def evaluating(model):
    before = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(before)


def sample_images(generator, n, latent_dim, seed=None):
    device = next(generator.parameters()).device
    g = torch.Generator()
    if seed is not None:
        g.manual_seed(seed)
    else:
        g.manual_seed(int(torch.randint(0, 2**31 - 1, ())))
    z = torch.randn(n, latent_dim, generator=g).to(device)
    with evaluating(generator), torch.no_grad():
        return torch.cat([generator(chunk) for chunk in z.split(4)])


def to_uint8_images(x):
    arr = x.detach().cpu().numpy()
    arr = np.clip(np.round((arr + 1) * 255 / 2), 0, 255).astype(np.uint8)
    return np.moveaxis(arr, 1, -1)


def save_generator(generator, path):
    torch.save(generator, path)


def load_generator(path, **kwargs):
    generator = torch.load(path, map_location="cpu", weights_only=False)
    return generator.eval()
