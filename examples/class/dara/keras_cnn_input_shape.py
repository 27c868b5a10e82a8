"""Dara's Keras model: written against TensorFlow 1, so it crashes as soon as it is imported."""
import tensorflow as tf
from tensorflow.contrib import layers  # removed in TensorFlow 2: ModuleNotFoundError


def preprocess(images):
    return images[..., None] / 255.0


def create_model(input_shape=(28, 28, 1), num_classes=10):
    return tf.keras.Sequential([layers.flatten, tf.keras.layers.Dense(num_classes, activation="softmax")])
