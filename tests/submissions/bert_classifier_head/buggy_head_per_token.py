# Buggy: the head is applied to every token's hidden state (last_hidden_state) instead of a
# pooled vector, so the logits have shape (batch, tokens, num_labels). Should fail the logits and
# loss checks (a shape message, then the error cross_entropy raises); names no known bug.
from collections.abc import Mapping

import torch
import torch.nn.functional as F
from torch import nn


class BertClassifier(nn.Module):
    """A BERT encoder with dropout and a linear classification head on its pooled [CLS] output."""

    def __init__(self, encoder, num_labels, dropout=0.1, freeze_encoder=False):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(encoder.config.hidden_size, num_labels)
        if freeze_encoder:
            for parameter in self.encoder.parameters():
                parameter.requires_grad_(False)

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
        outputs = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        logits = self.classifier(self.dropout(outputs.last_hidden_state))
        loss = F.cross_entropy(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


def batch_to_inputs(batch):
    """Keyword arguments for the model from an (input_ids, attention_mask[, labels]) tuple or list (or a dict)."""
    if isinstance(batch, Mapping):
        return dict(batch)
    names = ("input_ids", "attention_mask", "labels")
    if not 2 <= len(batch) <= 3:
        raise ValueError(f"expected (input_ids, attention_mask[, labels]), got {len(batch)} items")
    return dict(zip(names, batch, strict=False))


def fine_tune(model, dataloader, epochs=2, lr=2e-5):
    """Train model on (input_ids, attention_mask, labels) batches; return the mean loss of each epoch."""
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    model.train()
    history = []
    for _ in range(epochs):
        total, seen = 0.0, 0
        for batch in dataloader:
            inputs = batch_to_inputs(batch)
            loss = model(**inputs)["loss"]
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            count = len(inputs["input_ids"])
            total += loss.item() * count
            seen += count
        history.append(total / seen)
    return history


def predict(model, dataloader):
    """Predicted class ids (LongTensor of shape (N,)) for every example, in order; eval mode, no autograd."""
    model.eval()
    predictions = []
    with torch.no_grad():
        for batch in dataloader:
            outputs = model(**batch_to_inputs(batch))  # labels, if the batch has them, only add a loss
            predictions.append(outputs["logits"].argmax(dim=-1))
    return torch.cat(predictions)
