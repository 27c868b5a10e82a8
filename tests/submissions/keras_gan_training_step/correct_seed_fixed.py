"""Correct alternative: the seed's own architecture and calls, fixed: the imports added, the Keras-2 freeze
before compiling the GAN kept but the flag set again before each step (True for D, False for G),
LeakyReLU(alpha=...) (deprecated, still works), Adam(1e-4), tf.ones labels, 0.5 * np.add(...).
Expected: 100 points."""

import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Dense, Flatten, LeakyReLU, Reshape
from tensorflow.keras.models import Sequential


def build_generator(latent_dim=100, img_shape=(28, 28, 1)):
    model = Sequential()
    model.add(Dense(128, input_shape=(latent_dim,)))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(256))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(512))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(1024))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(int(np.prod(img_shape)), activation='tanh'))
    model.add(Reshape(img_shape))
    return model


def build_discriminator(img_shape=(28, 28, 1)):
    model = Sequential()
    model.add(Flatten(input_shape=img_shape))
    model.add(Dense(1024))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(512))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(256))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(128))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer=tf.keras.optimizers.Adam(0.0001))
    return model


def build_gan(generator, discriminator):
    discriminator.trainable = False
    model = Sequential()
    model.add(generator)
    model.add(discriminator)
    model.compile(loss='binary_crossentropy', optimizer=tf.keras.optimizers.Adam(0.0001))
    return model


def discriminator_step(discriminator, generator, real_images, latent_dim, rng):
    batch_size = real_images.shape[0]
    real_labels = tf.ones((batch_size, 1))
    noise = rng.normal(0, 1, (batch_size, latent_dim))
    fake_images = generator(noise)
    fake_labels = tf.zeros((batch_size, 1))
    discriminator.trainable = True
    d_loss_real = discriminator.train_on_batch(real_images, real_labels)
    d_loss_fake = discriminator.train_on_batch(fake_images, fake_labels)
    return float(0.5 * np.add(d_loss_real, d_loss_fake))


def generator_step(generator, discriminator, gan, batch_size, latent_dim, rng):
    discriminator.trainable = False
    noise = rng.normal(0, 1, (batch_size, latent_dim))
    return float(gan.train_on_batch(noise, tf.ones((batch_size, 1))))


def iterate_batches(images, batch_size, rng):
    order = np.arange(len(images))
    start = 0
    while start < len(order):
        yield images[order[start:start + batch_size]]
        start += batch_size


def train(generator, discriminator, gan, images, epochs, batch_size, latent_dim, rng):
    history = []
    for epoch in range(epochs):
        for real_images in iterate_batches(images, batch_size, rng):
            d_loss = discriminator_step(discriminator, generator, real_images, latent_dim, rng)
            g_loss = generator_step(generator, discriminator, gan, len(real_images), latent_dim, rng)
            history.append({"d_loss": d_loss, "g_loss": g_loss})
        print(f'Epoch: {epoch}, G_loss: {g_loss}, D_loss: {d_loss}')
    return history
