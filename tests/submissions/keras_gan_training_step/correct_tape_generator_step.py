"""Correct alternative: functional conv discriminator, D trained with train_on_batch (trainable set True first), G trained with a hand-written GradientTape through D(training=False) applied to G's variables only with the GAN's optimizer; unshuffled batches from np.array_split; while loops in train. Expected: 100 points."""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf


def build_generator(latent_dim=100, img_shape=(28, 28, 1)):
    noise = keras.Input(shape=(latent_dim,))
    x = keras.layers.Dense(256, activation="relu")(noise)
    x = keras.layers.Dense(int(np.prod(img_shape)))(x)
    x = keras.layers.Activation("tanh")(x)
    images = keras.layers.Reshape(tuple(img_shape))(x)
    return keras.Model(noise, images, name="G")


def build_discriminator(img_shape=(28, 28, 1)):
    images = keras.Input(shape=tuple(img_shape))
    x = keras.layers.Conv2D(16, 3, strides=2, padding="same")(images)
    x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.Conv2D(32, 3, strides=2, padding="same")(x)
    x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    prob = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(images, prob, name="D")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    return model


def build_gan(generator, discriminator):
    noise = keras.Input(shape=generator.input_shape[1:])
    gan = keras.Model(noise, discriminator(generator(noise)))
    gan.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.BinaryCrossentropy())
    return gan


def discriminator_step(discriminator, generator, real_images, latent_dim, rng):
    n = real_images.shape[0]
    fakes = generator.predict(rng.standard_normal((n, latent_dim)).astype("float32"), verbose=0)
    x = np.concatenate([np.asarray(real_images, "float32"), fakes])
    y = np.concatenate([np.ones((n, 1)), np.zeros((n, 1))]).astype("float32")
    discriminator.trainable = True
    return float(discriminator.train_on_batch(x, y))


_bce = keras.losses.BinaryCrossentropy()


def generator_step(generator, discriminator, gan, batch_size, latent_dim, rng):
    noise = tf.constant(rng.standard_normal((batch_size, latent_dim)), dtype=tf.float32)
    with tf.GradientTape() as tape:
        judged = discriminator(generator(noise, training=True), training=False)
        loss = _bce(tf.ones_like(judged), judged)
    grads = tape.gradient(loss, generator.trainable_variables)
    gan.optimizer.apply_gradients(zip(grads, generator.trainable_variables))
    return float(loss)


def iterate_batches(images, batch_size, rng):
    count = math.ceil(len(images) / batch_size)
    start = 0
    for _ in range(count):
        yield images[start:start + batch_size]
        start += batch_size


def train(generator, discriminator, gan, images, epochs, batch_size, latent_dim, rng):
    log = []
    epoch = 0
    while epoch < epochs:
        for batch in iterate_batches(images, batch_size, rng):
            d = discriminator_step(discriminator, generator, batch, latent_dim, rng)
            g = generator_step(generator, discriminator, gan, len(batch), latent_dim, rng)
            log.append({"d_loss": d, "g_loss": g})
        epoch += 1
    return log
