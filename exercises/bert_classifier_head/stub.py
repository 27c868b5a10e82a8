"""bert_classifier_head: a classification head on a BERT encoder, and a correct fine-tuning loop.

Fill in everything. Read README.md for the full contract. The grader passes in
the encoder (a tiny BertModel built from a config) and the data loaders; do not
download anything, print, or train at import time.
"""

import torch  # noqa: F401  (you will need it)
from torch import nn


class BertClassifier(nn.Module):
    """A BERT encoder plus a classification head.

    BertClassifier(encoder, num_labels, dropout=0.1, freeze_encoder=False):
    ``encoder`` is a transformers BertModel (keep it as ``self.encoder``); the
    head maps the encoder's output to ``num_labels`` scores, with dropout
    ``dropout`` before it. With ``freeze_encoder=True`` only the head is trained.
    """

    def __init__(self, encoder, num_labels, dropout=0.1, freeze_encoder=False):
        super().__init__()
        raise NotImplementedError

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
        """Return {"loss": ..., "logits": ...}.

        ``logits`` has shape (batch, num_labels). ``loss`` is the mean
        cross-entropy of the logits with ``labels`` (a scalar tensor), or None
        when ``labels`` is None.
        """
        raise NotImplementedError


def batch_to_inputs(batch):
    """Keyword arguments for the model from a DataLoader batch.

    A tuple or list (input_ids, attention_mask) or (input_ids, attention_mask,
    labels), as a TensorDataset yields them, becomes {"input_ids": ...,
    "attention_mask": ...[, "labels": ...]}; a dict is returned as a dict.
    """
    raise NotImplementedError


def fine_tune(model, dataloader, epochs=2, lr=2e-5):
    """Train ``model`` on batches of (input_ids, attention_mask, labels); return the mean loss of each epoch.

    Creates its own optimizer (Adam or AdamW, learning rate ``lr``), puts the
    model in training mode, and for ``epochs`` passes over ``dataloader``: turns
    each batch into keyword arguments, takes the loss, back-propagates and steps.
    """
    raise NotImplementedError


def predict(model, dataloader):
    """The predicted class id of every example of ``dataloader``, in order: a LongTensor of shape (N,).

    Eval mode, autograd off; the class is the argmax of the model's logits. The
    batches are (input_ids, attention_mask) or (input_ids, attention_mask, labels).
    """
    raise NotImplementedError
