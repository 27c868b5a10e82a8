"""Buggy: the generator ends in a linear Dense layer (no tanh), so its images are not confined to [-1, 1]."""

from __future__ import annotations

import keras
import numpy as np
from keras.layers import Dense, Flatten, Input, LeakyReLU, Reshape
from keras.models import Model, Sequential


def build_generator(latent_dim=100, img_shape=(28, 28, 1)):
    """MLP generator: (B, latent_dim) noise -> (B, *img_shape) images in [-1, 1] (tanh)."""
    return Sequential([
        Input(shape=(latent_dim,)),
        Dense(128), LeakyReLU(negative_slope=0.2),
        Dense(256), LeakyReLU(negative_slope=0.2),
        Dense(512), LeakyReLU(negative_slope=0.2),
        Dense(int(np.prod(img_shape))),
        Reshape(tuple(img_shape)),
    ], name="generator")


def build_discriminator(img_shape=(28, 28, 1)):
    """MLP discriminator: (B, *img_shape) images -> (B, 1) probability of being real; compiled."""
    model = Sequential([
        Input(shape=tuple(img_shape)),
        Flatten(),
        Dense(512), LeakyReLU(negative_slope=0.2),
        Dense(256), LeakyReLU(negative_slope=0.2),
        Dense(1, activation="sigmoid"),
    ], name="discriminator")
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    return model


def build_gan(generator, discriminator):
    """The combined model noise -> G -> D, compiled; it trains G only if D is frozen when it is called."""
    noise = Input(shape=generator.input_shape[1:])
    gan = Model(noise, discriminator(generator(noise)), name="gan")
    gan.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    return gan


def _noise(rng, n, latent_dim):
    return rng.normal(0.0, 1.0, (n, latent_dim)).astype("float32")


def discriminator_step(discriminator, generator, real_images, latent_dim, rng):
    """One update of D on a real batch (label 1) and as many generated images (label 0); D's mean loss."""
    n = len(real_images)
    fake_images = generator(_noise(rng, n, latent_dim), training=False)
    # Keras 3 reads `trainable` when a model trains, not when it is compiled: unfreeze D for its own step.
    discriminator.trainable = True
    loss_real = discriminator.train_on_batch(np.asarray(real_images, dtype="float32"), np.ones((n, 1), "float32"))
    loss_fake = discriminator.train_on_batch(fake_images, np.zeros((n, 1), "float32"))
    return float(0.5 * np.add(loss_real, loss_fake))


def generator_step(generator, discriminator, gan, batch_size, latent_dim, rng):
    """One update of G through the combined model, D frozen, towards D calling its images real; the loss."""
    discriminator.trainable = False  # frozen for this step only: discriminator_step unfreezes it again
    loss = gan.train_on_batch(_noise(rng, batch_size, latent_dim), np.ones((batch_size, 1), "float32"))
    return float(loss)


def iterate_batches(images, batch_size, rng):
    """Yield the images in batches of batch_size (the last one may be smaller), each image once, shuffled."""
    order = rng.permutation(len(images))
    for start in range(0, len(images), batch_size):
        yield images[order[start:start + batch_size]]


def train(generator, discriminator, gan, images, epochs, batch_size, latent_dim, rng):
    """Alternate one D step and one G step per batch, for every batch of every epoch; the losses per step."""
    history = []
    for _ in range(epochs):
        for real_images in iterate_batches(images, batch_size, rng):
            d_loss = discriminator_step(discriminator, generator, real_images, latent_dim, rng)
            g_loss = generator_step(generator, discriminator, gan, len(real_images), latent_dim, rng)
            history.append({"d_loss": d_loss, "g_loss": g_loss})
    return history
