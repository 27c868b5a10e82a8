# ruff: noqa
# The seed snippet (000-#8, "a TensorFlow speech recognition model"), shaped to the exercise API.
# Its bugs are kept: the model is hard-wired to 224x224x3 inputs while the data are 28x28 patches
# without a channel axis, and nothing turns the classifier's output into a recognised word.
# The MNIST download and the training at import time became preprocess / train_and_evaluate.
import numpy as np
import tensorflow as tf

def preprocess(images):
    # Normalize pixel values
    return images / 255.0

def create_model(input_shape=(28, 28, 1), num_classes=10):
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(32, (3,3), activation='relu', input_shape=(224, 224, 3)),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Conv2D(64, (3,3), activation='relu'),
        tf.keras.layers.MaxPooling2D(2,2),
        tf.keras.layers.Conv2D(64, (3,3), activation='relu'),
        tf.keras.layers.MaxPooling2D(2,2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dense(10, activation='softmax')
    ])

    model.compile(optimizer='adam',
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])

    return model

def train_and_evaluate(model, x_train, y_train, x_test, y_test, epochs=1, batch_size=32):
    model.fit(x_train, y_train, epochs=epochs)

    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=2)
    print('\nTest accuracy:', test_acc)
    return test_loss, test_acc
