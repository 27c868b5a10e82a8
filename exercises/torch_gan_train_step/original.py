# ruff: noqa
# The snippet of post 001, heading 5 ("使用GAN进行图像生成"), shaped into the exercise's functions with
# its bugs kept: the models are built from img_shape used as a number, the discriminator gets image
# batches unflattened, and the training loop's body is train_step, still using the undefined `z` and
# `device`, detaching the fakes for both steps.
import torch
from torch import nn
from torch.optim import Adam


def build_generator(z_dim, img_shape=(1, 28, 28)):
    # 定义生成器和判别器
    generator = nn.Sequential(
        nn.Linear(z_dim, 128),
        nn.LeakyReLU(0.2),
        nn.Linear(128, 256),
        nn.LeakyReLU(0.2),
        nn.Linear(256, 512),
        nn.LeakyReLU(0.2),
        nn.Linear(512, 1024),
        nn.LeakyReLU(0.2),
        nn.Linear(1024, img_shape),
        nn.Tanh()
    )
    return generator


def build_discriminator(img_shape=(1, 28, 28)):
    discriminator = nn.Sequential(
        nn.Linear(img_shape, 1024),
        nn.LeakyReLU(0.2),
        nn.Dropout(0.3),
        nn.Linear(1024, 512),
        nn.LeakyReLU(0.2),
        nn.Dropout(0.3),
        nn.Linear(512, 256),
        nn.LeakyReLU(0.2),
        nn.Dropout(0.3),
        nn.Linear(256, 1),
        nn.Sigmoid()
    )
    return discriminator


# 定义损失函数和优化器
adversarial_loss = nn.BCELoss()


def train_step(generator, discriminator, images, g_optimizer, d_optimizer, z_dim, rng=None):
    # 训练判别器
    d_optimizer.zero_grad()
    outputs = discriminator(images)
    d_loss_real = adversarial_loss(outputs, torch.ones(outputs.size()).to(device))

    fake_images = generator(z).detach()
    outputs = discriminator(fake_images)
    d_loss_fake = adversarial_loss(outputs, torch.zeros(outputs.size()).to(device))

    d_loss = 0.5 * (d_loss_real + d_loss_fake)
    d_loss.backward()
    d_optimizer.step()

    # 训练生成器
    g_optimizer.zero_grad()
    outputs = discriminator(fake_images)
    g_loss = adversarial_loss(outputs, torch.ones(outputs.size()).to(device))
    g_loss.backward()
    g_optimizer.step()

    return {"d_loss": d_loss.item(), "g_loss": g_loss.item()}
