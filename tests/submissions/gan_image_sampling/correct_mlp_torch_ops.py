# Correct: an MLP generator reshaped with .view, sample_images seeding the *global* RNG with
# torch.manual_seed(seed) and restoring the mode with try/finally, to_uint8_images written with
# torch ops (round, clamp, permute) before .numpy(), and a checkpoint that is a dict holding the
# state dict plus the constructor's arguments. Should score 100.
import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self, latent_dim=128, channels=3, img_size=32):
        super().__init__()
        self.shape = (channels, img_size, img_size)
        self.net = nn.Sequential(
            nn.Linear(latent_dim, 256), nn.LeakyReLU(0.2),
            nn.Linear(256, 512), nn.BatchNorm1d(512), nn.LeakyReLU(0.2),
            nn.Linear(512, channels * img_size * img_size), nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z).view(-1, *self.shape)


def sample_images(generator, n, latent_dim, seed=None):
    if seed is not None:
        torch.manual_seed(seed)
    device = next(generator.parameters()).device
    mode = generator.training
    generator.eval()
    try:
        with torch.no_grad():
            z = torch.randn(n, latent_dim, device=device)
            images = generator(z)
    finally:
        generator.train(mode)
    return images


def to_uint8_images(x):
    pixels = ((x.detach() + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)
    return pixels.permute(0, 2, 3, 1).cpu().numpy()


def save_generator(generator, path):
    torch.save({"state_dict": generator.state_dict(), "note": "generator weights"}, path)


def load_generator(path, **kwargs):
    checkpoint = torch.load(path, map_location="cpu")
    generator = Generator(**kwargs)
    generator.load_state_dict(checkpoint["state_dict"])
    return generator.eval()
