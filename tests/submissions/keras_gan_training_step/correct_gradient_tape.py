"""Correct alternative: functional models and hand-written tf.GradientTape steps (no train_on_batch, no
trainable toggling): D's step applies gradients to D's variables, G's step to G's variables only, with the
optimizers the builders compiled in. Expected: 100 points."""

import numpy as np
import tensorflow as tf
from tensorflow import keras

_bce = keras.losses.BinaryCrossentropy()


def build_generator(latent_dim=100, img_shape=(28, 28, 1)):
    z = keras.Input(shape=(latent_dim,))
    x = keras.layers.Dense(256)(z)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.Dense(512)(x)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.Dense(int(np.prod(img_shape)), activation="tanh")(x)
    return keras.Model(z, keras.layers.Reshape(img_shape)(x))


def build_discriminator(img_shape=(28, 28, 1)):
    img = keras.Input(shape=img_shape)
    x = keras.layers.Flatten()(img)
    x = keras.layers.Dense(512)(x)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.Dense(256)(x)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    model = keras.Model(img, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5), loss="binary_crossentropy")
    return model


def build_gan(generator, discriminator):
    z = keras.Input(shape=generator.input_shape[1:])
    gan = keras.Model(z, discriminator(generator(z)))
    gan.compile(optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5), loss="binary_crossentropy")
    return gan


def discriminator_step(discriminator, generator, real_images, latent_dim, rng):
    n = real_images.shape[0]
    noise = tf.constant(rng.standard_normal((n, latent_dim)), dtype=tf.float32)
    fake = generator(noise, training=False)
    real = tf.convert_to_tensor(real_images, dtype=tf.float32)
    with tf.GradientTape() as tape:
        loss = 0.5 * (_bce(tf.ones((n, 1)), discriminator(real, training=True))
                      + _bce(tf.zeros((n, 1)), discriminator(fake, training=True)))
    variables = discriminator.trainable_variables
    discriminator.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return float(loss)


def generator_step(generator, discriminator, gan, batch_size, latent_dim, rng):
    noise = tf.constant(rng.standard_normal((batch_size, latent_dim)), dtype=tf.float32)
    with tf.GradientTape() as tape:
        loss = _bce(tf.ones((batch_size, 1)), discriminator(generator(noise, training=True), training=False))
    variables = generator.trainable_variables  # G only: D is never updated here
    gan.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return float(loss)


def iterate_batches(images, batch_size, rng):
    idx = np.arange(len(images))
    rng.shuffle(idx)
    for i in range(0, len(idx), batch_size):
        yield images[idx[i:i + batch_size]]


def train(generator, discriminator, gan, images, epochs, batch_size, latent_dim, rng):
    log = []
    for _ in range(epochs):
        for batch in iterate_batches(images, batch_size, rng):
            d = discriminator_step(discriminator, generator, batch, latent_dim, rng)
            g = generator_step(generator, discriminator, gan, batch.shape[0], latent_dim, rng)
            log.append({"d_loss": d, "g_loss": g})
    return log
