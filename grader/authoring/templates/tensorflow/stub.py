def build_classifier(input_dim, num_classes):
    """A compiled Keras model mapping (n, input_dim) inputs to (n, num_classes) class probabilities."""
    raise NotImplementedError


def predict_classes(model, inputs):
    """The most probable class of each row of inputs: an integer array of shape (n,)."""
    raise NotImplementedError
