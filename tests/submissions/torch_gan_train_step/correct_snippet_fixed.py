# Correct: the snippet itself, minimally fixed: the same layer stack and Dropout, nn.BCELoss,
# a Reshape module after the generator's Tanh and nn.Flatten() before the discriminator's first
# layer, targets created with device=real.device, the fakes detached only for D. Should score 100.
from functools import reduce
from operator import mul

import torch
from torch import nn


class Reshape(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


def build_generator(z_dim, img_shape=(1, 28, 28)):
    pixels = reduce(mul, img_shape, 1)
    return nn.Sequential(
        nn.Linear(z_dim, 128), nn.LeakyReLU(0.2),
        nn.Linear(128, 256), nn.LeakyReLU(0.2),
        nn.Linear(256, 512), nn.LeakyReLU(0.2),
        nn.Linear(512, 1024), nn.LeakyReLU(0.2),
        nn.Linear(1024, pixels), nn.Tanh(),
        Reshape(img_shape),
    )


def build_discriminator(img_shape=(1, 28, 28)):
    pixels = reduce(mul, img_shape, 1)
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(pixels, 1024), nn.LeakyReLU(0.2), nn.Dropout(0.3),
        nn.Linear(1024, 512), nn.LeakyReLU(0.2), nn.Dropout(0.3),
        nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Dropout(0.3),
        nn.Linear(256, 1), nn.Sigmoid(),
    )


adversarial_loss = nn.BCELoss()


def train_step(generator, discriminator, images, g_optimizer, d_optimizer, z_dim, rng=None):
    device = images.device
    z = torch.randn(images.size(0), z_dim, generator=rng, device=device)

    d_optimizer.zero_grad()
    outputs = discriminator(images)
    d_loss_real = adversarial_loss(outputs, torch.ones(outputs.size(), device=device))
    fake_images = generator(z)
    outputs = discriminator(fake_images.detach())
    d_loss_fake = adversarial_loss(outputs, torch.zeros(outputs.size(), device=device))
    d_loss = 0.5 * (d_loss_real + d_loss_fake)
    d_loss.backward()
    d_optimizer.step()

    g_optimizer.zero_grad()
    outputs = discriminator(fake_images)
    g_loss = adversarial_loss(outputs, torch.ones(outputs.size(), device=device))
    g_loss.backward()
    g_optimizer.step()
    return {"d_loss": d_loss.item(), "g_loss": g_loss.item()}
