"""Correct alternative: a DCGAN (Conv2DTranspose generator, conv discriminator with dropout), one
train_on_batch on a concatenated real+fake batch with one-sided label smoothing (0.9), generator.predict
for the fakes, the trainable flag set before each step. Expected: 100 points."""

import keras
import numpy as np
from keras import layers


def build_generator(latent_dim=100, img_shape=(28, 28, 1)):
    h, w, c = img_shape
    return keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense((h // 4) * (w // 4) * 32),
        layers.LeakyReLU(0.2),
        layers.Reshape((h // 4, w // 4, 32)),
        layers.Conv2DTranspose(32, 4, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.Conv2DTranspose(16, 4, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.Conv2D(c, 3, padding="same", activation="tanh"),
    ])


def build_discriminator(img_shape=(28, 28, 1)):
    model = keras.Sequential([
        keras.Input(img_shape),
        layers.Conv2D(16, 3, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.Dropout(0.3),
        layers.Conv2D(32, 3, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.GlobalAveragePooling2D(),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(2e-4, 0.5), loss="binary_crossentropy")
    return model


def build_gan(generator, discriminator):
    gan = keras.Sequential([generator, discriminator])
    gan.compile(optimizer=keras.optimizers.Adam(2e-4, 0.5), loss="binary_crossentropy")
    return gan


def discriminator_step(discriminator, generator, real_images, latent_dim, rng):
    n = len(real_images)
    fakes = generator.predict(rng.normal(size=(n, latent_dim)), verbose=0)
    x = np.concatenate([real_images, fakes]).astype("float32")
    y = np.concatenate([np.full((n, 1), 0.9), np.zeros((n, 1))]).astype("float32")
    discriminator.trainable = True
    return float(discriminator.train_on_batch(x, y))


def generator_step(generator, discriminator, gan, batch_size, latent_dim, rng):
    discriminator.trainable = False
    loss = gan.train_on_batch(rng.normal(size=(batch_size, latent_dim)), np.ones((batch_size, 1)))
    discriminator.trainable = True
    return float(loss)


def iterate_batches(images, batch_size, rng):
    perm = rng.permutation(images.shape[0])
    n_batches = -(-images.shape[0] // batch_size)
    for chunk in np.array_split(perm, n_batches):
        yield images[chunk]


def train(generator, discriminator, gan, images, epochs, batch_size, latent_dim, rng):
    out = []
    for _ in range(epochs):
        for real in iterate_batches(images, batch_size, rng):
            out.append({
                "d_loss": discriminator_step(discriminator, generator, real, latent_dim, rng),
                "g_loss": generator_step(generator, discriminator, gan, len(real), latent_dim, rng),
            })
    return out
