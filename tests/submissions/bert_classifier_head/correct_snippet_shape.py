# Correct: the snippet's own loop, repaired: Adam, `inputs = batch_to_inputs(batch)`,
# `outputs = model(**inputs)`, the loss read from the outputs, backward/step/zero_grad in the
# snippet's order, model.train() at the start of every epoch, and a predict that returns a list
# of ints built batch by batch (inputs moved to model.device). Should score 100.
import torch
from torch import nn


class BertClassifier(nn.Module):
    def __init__(self, encoder, num_labels, dropout=0.1, freeze_encoder=False):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(encoder.config.hidden_size, num_labels)
        self.num_labels = num_labels
        if freeze_encoder:
            self.encoder.requires_grad_(False)

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
        outputs = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        logits = self.classifier(self.dropout(outputs[1]))
        loss = None
        if labels is not None:
            loss = nn.CrossEntropyLoss()(logits.view(-1, self.num_labels), labels.view(-1))
        return {"loss": loss, "logits": logits}


def batch_to_inputs(batch):
    if isinstance(batch, dict):
        return batch
    inputs = {"input_ids": batch[0], "attention_mask": batch[1]}
    if len(batch) > 2:
        inputs["labels"] = batch[2]
    return inputs


def fine_tune(model, dataloader, epochs=2, lr=2e-5):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    epoch_losses = []
    for epoch in range(epochs):
        model.train()
        running, n = 0.0, 0
        for batch in dataloader:
            inputs = batch_to_inputs(batch)
            outputs = model(**inputs)
            loss = outputs["loss"]
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            running += loss.item() * inputs["input_ids"].size(0)
            n += inputs["input_ids"].size(0)
        epoch_losses.append(running / n)
    return epoch_losses


@torch.no_grad()
def predict(model, dataloader):
    model.eval()
    predicted = []
    for batch in dataloader:
        inputs = {k: v.to(model.device) for k, v in batch_to_inputs(batch).items()}
        logits = model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])["logits"]
        predicted.extend(logits.argmax(-1).tolist())
    return predicted
