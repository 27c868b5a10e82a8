"""A small GAN in Keras 3 whose discriminator is frozen exactly while the generator trains.

Fill in every function; the docstrings are the contract (see README.md).
"""

from __future__ import annotations


def build_generator(latent_dim=100, img_shape=(28, 28, 1)):
    """Return a keras.Model mapping noise (B, latent_dim) to images (B, *img_shape) in [-1, 1] (tanh)."""
    raise NotImplementedError


def build_discriminator(img_shape=(28, 28, 1)):
    """Return a keras.Model mapping images (B, *img_shape) to (B, 1) probabilities of being real (sigmoid),
    compiled with binary cross-entropy (it carries D's optimizer).
    """
    raise NotImplementedError


def build_gan(generator, discriminator):
    """Return the combined keras.Model noise -> generator -> discriminator, compiled with binary
    cross-entropy (it carries G's optimizer). It must not stop discriminator_step from training D.
    """
    raise NotImplementedError


def discriminator_step(discriminator, generator, real_images, latent_dim, rng) -> float:
    """Update D once on ``real_images`` (label 1) and on as many images generated from noise drawn with
    ``rng`` (label 0); G is not updated. Return D's loss as a float.
    """
    raise NotImplementedError


def generator_step(generator, discriminator, gan, batch_size, latent_dim, rng) -> float:
    """Update G once, on ``batch_size`` noise vectors drawn with ``rng``, towards D calling its images real
    (label 1); D's weights must not change. Return G's loss as a float.
    """
    raise NotImplementedError


def iterate_batches(images, batch_size, rng):
    """Yield one epoch of ``images`` in batches: ceil(N / batch_size) arrays of at most ``batch_size``
    images that together hold every image exactly once (shuffled with ``rng`` if you like).
    """
    raise NotImplementedError


def train(generator, discriminator, gan, images, epochs, batch_size, latent_dim, rng) -> list[dict]:
    """Train for ``epochs`` epochs: for every batch of iterate_batches, one discriminator_step then one
    generator_step. Return one dict per step: {"d_loss": float, "g_loss": float}.
    """
    raise NotImplementedError
