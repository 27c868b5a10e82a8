# correct: frozen encoder run under no_grad, CrossEntropyLoss module, Adam over all params, model.zero_grad(), loss from logits
import torch
from torch import nn


class BertClassifier(nn.Module):
    def __init__(self, encoder, num_labels, dropout=0.1, freeze_encoder=False):
        super().__init__()
        self.encoder = encoder
        self.freeze_encoder = freeze_encoder
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(encoder.config.hidden_size, num_labels))
        self.criterion = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
        if self.freeze_encoder:
            with torch.no_grad():
                hidden = self.encoder(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        else:
            hidden = self.encoder(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        logits = self.head(hidden[1])
        loss = None
        if labels is not None:
            loss = self.criterion(logits, labels)
        return {"logits": logits, "loss": loss}


def batch_to_inputs(batch):
    if isinstance(batch, dict):
        return {k: v for k, v in batch.items()}
    keys = ["input_ids", "attention_mask", "labels"]
    inputs = {}
    for i in range(len(batch)):
        inputs[keys[i]] = batch[i]
    return inputs


def fine_tune(model, dataloader, epochs=2, lr=2e-5):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        model.train()
        batch_losses = []
        for batch in dataloader:
            inputs = batch_to_inputs(batch)
            labels = inputs.pop("labels")
            model.zero_grad()
            logits = model(**inputs)["logits"]
            loss = torch.nn.functional.cross_entropy(logits, labels)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        losses.append(sum(batch_losses) / len(batch_losses))
    return losses


def predict(model, dataloader):
    model.eval()
    ids = []
    with torch.inference_mode():
        for batch in dataloader:
            inputs = batch_to_inputs(batch)
            inputs.pop("labels", None)
            logits = model(**inputs)["logits"]
            for row in logits:
                ids.append(int(torch.argmax(row)))
    return torch.tensor(ids, dtype=torch.long)
