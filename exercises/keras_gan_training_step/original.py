# ruff: noqa
# The seed snippet (002-A1, "a GAN face-generation model"), shaped to the exercise API. Its bugs are
# kept: LeakyReLU and numpy are never imported; the combined model is compiled and trained with the
# discriminator still trainable; an "epoch" loops batch_size times; real_images is the placeholder `...`;
# num_epochs and batch_size are never defined. The module-level instantiation, compilation and training
# loop became the functions below (the compile calls moved into the builders).
import tensorflow as tf
from tensorflow.keras.layers import Dense, Flatten, Reshape
from tensorflow.keras.models import Sequential

def build_generator(latent_dim=100, img_shape=(28, 28, 1)):
    model = Sequential()
    model.add(Dense(128, input_shape=(100,)))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(256))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(512))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(1024))
    model.add(LeakyReLU(alpha=0.01))
    model.add(Dense(784, activation='tanh'))
    model.add(Reshape((28, 28, 1)))
    model.compile(loss='binary_crossentropy', optimizer=tf.keras.optimizers.Adam(0.0001))
    return model

def build_discriminator(img_shape=(28, 28, 1)):
    model = Sequential()
    model.add(Flatten(input_shape=(28, 28, 1)))
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
    model = Sequential()
    model.add(generator)
    model.add(discriminator)
    model.compile(loss='binary_crossentropy', optimizer=tf.keras.optimizers.Adam(0.0001))
    return model

def discriminator_step(discriminator, generator, real_images, latent_dim, rng):
    real_labels = tf.ones((batch_size, 1))

    noise = tf.random.normal([batch_size, 100])
    fake_images = generator.predict(noise)
    fake_labels = tf.zeros((batch_size, 1))

    d_loss_real = discriminator.train_on_batch(real_images, real_labels)
    d_loss_fake = discriminator.train_on_batch(fake_images, fake_labels)
    d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)
    return d_loss

def generator_step(generator, discriminator, gan, batch_size, latent_dim, rng):
    real_labels = tf.ones((batch_size, 1))
    noise = tf.random.normal([batch_size, 100])
    g_loss = gan.train_on_batch(noise, real_labels)
    return g_loss

def iterate_batches(images, batch_size, rng):
    for _ in range(batch_size):
        real_images = ...
        yield real_images

def train(generator, discriminator, gan, images, epochs, batch_size, latent_dim, rng):
    history = []
    for epoch in range(num_epochs):
        for _ in range(batch_size):
            real_images = ...
            real_labels = tf.ones((batch_size, 1))

            noise = tf.random.normal([batch_size, 100])
            fake_images = generator.predict(noise)
            fake_labels = tf.zeros((batch_size, 1))

            d_loss_real = discriminator.train_on_batch(real_images, real_labels)
            d_loss_fake = discriminator.train_on_batch(fake_images, fake_labels)
            d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)

            noise = tf.random.normal([batch_size, 100])
            g_loss = gan.train_on_batch(noise, real_labels)
            history.append({"d_loss": d_loss, "g_loss": g_loss})

        print(f'Epoch: {epoch}, G_loss: {g_loss}, D_loss: {d_loss}')
    return history
