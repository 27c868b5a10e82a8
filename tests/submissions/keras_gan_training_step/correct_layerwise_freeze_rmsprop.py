"""Correct alternative: the GAN is Sequential([generator, discriminator]), RMSprop optimizers, D frozen and unfrozen layer by layer (for layer in discriminator.layers) around each step, noise from rng.uniform(-1, 1), batches from a shuffled index array with np.split-like slicing. Expected: 100 points."""

from __future__ import annotations

import keras
import numpy as np


def build_generator(latent_dim=100, img_shape=(28, 28, 1)):
    h, w, c = img_shape
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense((h // 4) * (w // 4) * 16, activation="relu"),
        keras.layers.Reshape((h // 4, w // 4, 16)),
        keras.layers.UpSampling2D(),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.UpSampling2D(),
        keras.layers.Conv2D(c, 3, padding="same", activation="tanh"),
    ])


def build_discriminator(img_shape=(28, 28, 1)):
    model = keras.Sequential([
        keras.Input(shape=img_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.RMSprop(5e-4), loss="binary_crossentropy")
    return model


def build_gan(generator, discriminator):
    gan = keras.Sequential([generator, discriminator])
    gan.compile(optimizer=keras.optimizers.RMSprop(5e-4), loss="binary_crossentropy")
    return gan


def _set_trainable(model, flag):
    for layer in model.layers:
        layer.trainable = flag


def discriminator_step(discriminator, generator, real_images, latent_dim, rng):
    n = len(real_images)
    fakes = np.asarray(generator(rng.uniform(-1.0, 1.0, (n, latent_dim)).astype("float32"), training=False))
    _set_trainable(discriminator, True)
    a = discriminator.train_on_batch(np.asarray(real_images, "float32"), np.ones((n, 1), "float32"))
    b = discriminator.train_on_batch(fakes, np.zeros((n, 1), "float32"))
    return (float(a) + float(b)) / 2


def generator_step(generator, discriminator, gan, batch_size, latent_dim, rng):
    _set_trainable(discriminator, False)
    noise = rng.uniform(-1.0, 1.0, (batch_size, latent_dim)).astype("float32")
    return float(gan.train_on_batch(noise, np.ones((batch_size, 1), "float32")))


def iterate_batches(images, batch_size, rng):
    idx = np.arange(len(images))
    rng.shuffle(idx)
    cuts = list(range(batch_size, len(images), batch_size))
    for part in np.split(idx, cuts):
        yield images[part]


def train(generator, discriminator, gan, images, epochs, batch_size, latent_dim, rng):
    out = []
    for _ in range(epochs):
        for batch in iterate_batches(images, batch_size, rng):
            d_loss = discriminator_step(discriminator, generator, batch, latent_dim, rng)
            g_loss = generator_step(generator, discriminator, gan, len(batch), latent_dim, rng)
            out.append({"d_loss": d_loss, "g_loss": g_loss})
    return out
