"""bert_finetune_loop: fine-tune a BERT sequence classifier and report its overall accuracy.

Fill in every function. Read README.md for the full contract. The grader passes
in the model and the tokenizer (tiny ones built from a config and a small
vocabulary); do not download anything with from_pretrained, print, or train at
import time.
"""

import torch  # noqa: F401  (you will need it)


def train_classifier(model, tokenizer, texts, labels, epochs=3, batch_size=8, lr=5e-5, seed=0):
    """Fine-tune ``model`` on ``texts`` with integer class ``labels``; return the mean loss of each epoch.

    Creates its own optimizer (Adam or AdamW over ``model.parameters()``, learning
    rate ``lr``), puts the model in training mode, and for ``epochs`` passes over
    the data in batches of ``batch_size`` (shuffled with ``seed``, or in order):
    tokenises the batch's texts (padding, truncation=True, return_tensors="pt"),
    computes the cross-entropy loss against the batch's labels, back-propagates
    and takes one optimizer step. Returns a list of ``epochs`` floats.
    """
    raise NotImplementedError


def predict(model, tokenizer, texts, batch_size=32):
    """The predicted class id (an int) of every text, in the order of ``texts``.

    Runs the model in eval mode with autograd off, in batches of ``batch_size``;
    the class is the argmax of the logits.
    """
    raise NotImplementedError


def evaluate_accuracy(model, tokenizer, texts, labels, batch_size=32):
    """Fraction (0 to 1) of all ``texts`` whose predicted class equals their label.

    Every text counts the same, also when the last batch is smaller. Eval mode,
    autograd off, like ``predict``.
    """
    raise NotImplementedError
