# Correct: the device is taken from the generator's first parameter before anything else, the
# seed's generator lives on that device, the uint8 conversion scales by 255/2 after shifting and
# uses Python's built-in float tensors converted with np.asarray, and the loaded generator is
# built from keyword arguments with defaults filled in. Should score 100.
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Generator(nn.Module):
    def __init__(self, latent_dim=128, channels=3, img_size=32):
        super().__init__()
        self.c, self.s = channels, img_size
        self.l1 = nn.Linear(latent_dim, 128)
        self.l2 = nn.Linear(128, channels * img_size * img_size)

    def forward(self, z):
        h = F.relu(self.l1(z))
        return torch.tanh(self.l2(h)).reshape(z.shape[0], self.c, self.s, self.s)


def sample_images(generator, n, latent_dim, seed=None):
    device = next(iter(generator.parameters())).device
    kwargs = {"device": device}
    if seed is not None:
        kwargs["generator"] = torch.Generator(device=device).manual_seed(seed)
    z = torch.randn(n, latent_dim, **kwargs)
    previous = generator.training
    generator.eval()
    with torch.no_grad():
        out = generator(z)
    if previous:
        generator.train()
    return out


def to_uint8_images(x):
    scaled = (np.asarray(x.detach().cpu(), dtype=np.float32) + 1.0) * (255.0 / 2.0)
    return np.rint(scaled).clip(0, 255).astype("uint8").transpose(0, 2, 3, 1)


def save_generator(generator, path):
    torch.save(generator.state_dict(), str(path))


def load_generator(path, **kwargs):
    config = {"latent_dim": 128, "channels": 3, "img_size": 32}
    config.update(kwargs)
    model = Generator(**config)
    model.load_state_dict(torch.load(str(path), map_location="cpu"))
    model.eval()
    return model
