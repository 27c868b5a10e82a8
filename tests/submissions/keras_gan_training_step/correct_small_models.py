"""Correct alternative: tiny models (one hidden layer of 64), default Adam, keras.ops to get the fakes as numpy,
the flag set before each train_on_batch, two D calls averaged by hand, batches built from Python index lists.
Expected: 100 points."""

import numpy as np
import keras


def build_generator(latent_dim=100, img_shape=(28, 28, 1)):
    return keras.Sequential([
        keras.layers.Input(shape=(latent_dim,)),
        keras.layers.Dense(64),
        keras.layers.LeakyReLU(),
        keras.layers.Dense(int(np.prod(img_shape)), activation="tanh"),
        keras.layers.Reshape(img_shape),
    ])


def build_discriminator(img_shape=(28, 28, 1)):
    d = keras.Sequential([
        keras.layers.Input(shape=img_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(64),
        keras.layers.LeakyReLU(),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    d.compile(optimizer="adam", loss="binary_crossentropy")
    return d


def build_gan(generator, discriminator):
    inp = keras.layers.Input(shape=generator.input_shape[1:])
    gan = keras.Model(inp, discriminator(generator(inp)))
    gan.compile(optimizer="adam", loss="binary_crossentropy")
    return gan


def discriminator_step(discriminator, generator, real_images, latent_dim, rng):
    n = len(real_images)
    fake = keras.ops.convert_to_numpy(generator(rng.standard_normal((n, latent_dim)).astype("float32")))
    discriminator.trainable = True
    a = discriminator.train_on_batch(real_images, np.ones((n, 1)))
    b = discriminator.train_on_batch(fake, np.zeros((n, 1)))
    return (float(a) + float(b)) / 2


def generator_step(generator, discriminator, gan, batch_size, latent_dim, rng):
    discriminator.trainable = False
    z = rng.standard_normal((batch_size, latent_dim)).astype("float32")
    return float(gan.train_on_batch(z, np.ones((batch_size, 1))))


def iterate_batches(images, batch_size, rng):
    indices = list(range(len(images)))
    batches = [indices[i:i + batch_size] for i in range(0, len(indices), batch_size)]
    for b in batches:
        yield np.stack([images[i] for i in b])


def train(generator, discriminator, gan, images, epochs, batch_size, latent_dim, rng):
    records = []
    for _ in range(epochs):
        for real in iterate_batches(images, batch_size, rng):
            d_loss = discriminator_step(discriminator, generator, real, latent_dim, rng)
            g_loss = generator_step(generator, discriminator, gan, real.shape[0], latent_dim, rng)
            records.append(dict(d_loss=d_loss, g_loss=g_loss))
    return records
