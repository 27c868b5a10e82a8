# Correct: when freeze_encoder=True the encoder is also kept in eval mode (no dropout in a
# frozen feature extractor: train() is overridden), the encoder is run under torch.no_grad()
# when frozen, the head is a single Linear on the pooler output with dropout, and fine_tune
# clips gradients and uses a linear learning-rate decay. Should score 100.
import torch
import torch.nn.functional as F
from torch import nn


class BertClassifier(nn.Module):
    def __init__(self, encoder, num_labels, dropout=0.1, freeze_encoder=False):
        super().__init__()
        self.encoder = encoder
        self.freeze_encoder = freeze_encoder
        self.dropout = nn.Dropout(dropout)
        self.linear = nn.Linear(encoder.config.hidden_size, num_labels)
        if freeze_encoder:
            for p in encoder.parameters():
                p.requires_grad_(False)

    def train(self, mode=True):
        super().train(mode)
        if self.freeze_encoder:
            self.encoder.eval()
        return self

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.freeze_encoder):
            pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).pooler_output
        logits = self.linear(self.dropout(pooled))
        return {"logits": logits, "loss": F.cross_entropy(logits, labels) if labels is not None else None}


def batch_to_inputs(batch):
    if hasattr(batch, "keys"):
        return {k: batch[k] for k in batch.keys()}
    names = ["input_ids", "attention_mask", "labels"]
    return {names[i]: t for i, t in enumerate(batch)}


def fine_tune(model, dataloader, epochs=2, lr=2e-5):
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr)
    total_steps = max(1, epochs * len(dataloader))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0 - step / (total_steps + 1))
    model.train()
    losses = []
    for _ in range(epochs):
        values = []
        for batch in dataloader:
            optimizer.zero_grad()
            loss = model(**batch_to_inputs(batch))["loss"]
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
            optimizer.step()
            scheduler.step()
            values.append(loss.item())
        losses.append(sum(values) / len(values))
    return losses


def predict(model, dataloader):
    model.eval()
    preds = []
    for batch in dataloader:
        inputs = batch_to_inputs(batch)
        inputs.pop("labels", None)
        with torch.no_grad():
            preds.append(model(**inputs)["logits"].argmax(dim=-1))
    return torch.cat(preds).to(torch.long)
