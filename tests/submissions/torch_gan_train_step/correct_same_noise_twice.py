# Correct: the real images' scores are computed before the noise is drawn (another order of
# random calls), the generator is called twice on the same noise (once under no_grad for D,
# once for its own step), gradients are zeroed at the end of the step with
# zero_grad(set_to_none=False), the device is taken from D's parameters, and SiLU/LayerNorm
# layers are used. Should score 100.
import numpy as np
import torch
from torch import nn


def build_generator(z_dim, img_shape=(1, 28, 28)):
    c, h, w = img_shape
    return nn.Sequential(
        nn.Linear(z_dim, 200), nn.LayerNorm(200), nn.SiLU(),
        nn.Linear(200, int(np.prod(img_shape))), nn.Tanh(),
        nn.Unflatten(1, (c, h, w)),
    )


def build_discriminator(img_shape=(1, 28, 28)):
    return nn.Sequential(
        nn.Flatten(start_dim=1),
        nn.Linear(int(np.prod(img_shape)), 200), nn.SiLU(),
        nn.Linear(200, 1), nn.Sigmoid(),
    )


bce = nn.BCELoss()


def train_step(G, D, real, g_opt, d_opt, z_dim, rng=None):
    device = next(D.parameters()).device
    p_real = D(real)
    if rng is None:
        z = torch.randn(len(real), z_dim, device=device)
    else:
        z = torch.randn(len(real), z_dim, generator=rng).to(device)
    with torch.no_grad():
        fake = G(z)
    p_fake = D(fake)
    d_loss = 0.5 * bce(p_real, torch.ones_like(p_real)) + 0.5 * bce(p_fake, torch.zeros_like(p_fake))
    d_loss.backward()
    d_opt.step()
    d_opt.zero_grad(set_to_none=False)
    g_opt.zero_grad(set_to_none=False)  # D's backward did not touch G, but be tidy

    p = D(G(z))
    g_loss = bce(p, torch.ones_like(p))
    g_loss.backward()
    g_opt.step()
    g_opt.zero_grad(set_to_none=False)
    d_opt.zero_grad(set_to_none=False)
    return dict(d_loss=d_loss.item(), g_loss=g_loss.item())
