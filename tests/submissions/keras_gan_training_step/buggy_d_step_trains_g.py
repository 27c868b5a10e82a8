"""Buggy: a GradientTape D step that differentiates the fakes too and applies the gradients to D's and G's
variables, so D's step also moves G (towards worse fakes).
Should fail: test_discriminator_step_trains_d."""

import numpy as np
import tensorflow as tf
import keras

_bce = keras.losses.BinaryCrossentropy()


def build_generator(latent_dim=100, img_shape=(28, 28, 1)):
    return keras.Sequential([keras.Input((latent_dim,)), keras.layers.Dense(128), keras.layers.LeakyReLU(0.2),
                             keras.layers.Dense(int(np.prod(img_shape)), activation="tanh"),
                             keras.layers.Reshape(img_shape)])


def build_discriminator(img_shape=(28, 28, 1)):
    d = keras.Sequential([keras.Input(img_shape), keras.layers.Flatten(), keras.layers.Dense(128),
                          keras.layers.LeakyReLU(0.2), keras.layers.Dense(1, activation="sigmoid")])
    d.compile(optimizer=keras.optimizers.Adam(2e-4, 0.5), loss="binary_crossentropy")
    return d


def build_gan(generator, discriminator):
    gan = keras.Sequential([generator, discriminator])
    gan.compile(optimizer=keras.optimizers.Adam(2e-4, 0.5), loss="binary_crossentropy")
    return gan


def discriminator_step(discriminator, generator, real_images, latent_dim, rng):
    n = len(real_images)
    noise = rng.normal(size=(n, latent_dim)).astype("float32")
    with tf.GradientTape() as tape:
        fake = generator(noise, training=True)
        loss = 0.5 * (_bce(tf.ones((n, 1)), discriminator(real_images, training=True))
                      + _bce(tf.zeros((n, 1)), discriminator(fake, training=True)))
    variables = discriminator.trainable_variables + generator.trainable_variables  # the bug: G too
    discriminator.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return float(loss)


def generator_step(generator, discriminator, gan, batch_size, latent_dim, rng):
    noise = rng.normal(size=(batch_size, latent_dim)).astype("float32")
    with tf.GradientTape() as tape:
        loss = _bce(tf.ones((batch_size, 1)), discriminator(generator(noise, training=True), training=False))
    variables = generator.trainable_variables
    gan.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return float(loss)


def iterate_batches(images, batch_size, rng):
    order = rng.permutation(len(images))
    for i in range(0, len(images), batch_size):
        yield images[order[i:i + batch_size]]


def train(generator, discriminator, gan, images, epochs, batch_size, latent_dim, rng):
    out = []
    for _ in range(epochs):
        for real in iterate_batches(images, batch_size, rng):
            out.append({"d_loss": discriminator_step(discriminator, generator, real, latent_dim, rng),
                        "g_loss": generator_step(generator, discriminator, gan, len(real), latent_dim, rng)})
    return out
