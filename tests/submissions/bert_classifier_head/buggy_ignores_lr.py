# buggy: fine_tune ignores its lr argument and always trains at 1e-3
import torch
import torch.nn.functional as F


class BertClassifier(torch.nn.Module):
    def __init__(self, encoder, num_labels, dropout=0.1, freeze_encoder=False):
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(dropout)
        self.classifier = torch.nn.Linear(encoder.config.hidden_size, num_labels)
        if freeze_encoder:
            for p in encoder.parameters():
                p.requires_grad = False

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None):
        pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).pooler_output
        logits = self.classifier(self.dropout(pooled))
        return {"logits": logits, "loss": F.cross_entropy(logits, labels) if labels is not None else None}


def batch_to_inputs(batch):
    if isinstance(batch, dict):
        return dict(batch)
    return dict(zip(["input_ids", "attention_mask", "labels"], batch))


def fine_tune(model, dataloader, epochs=2, lr=2e-5):
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    model.train()
    history = []
    for _ in range(epochs):
        losses = []
        for batch in dataloader:
            loss = model(**batch_to_inputs(batch))["loss"]
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        history.append(sum(losses) / len(losses))
    return history


def predict(model, dataloader):
    model.eval()
    out = []
    with torch.no_grad():
        for batch in dataloader:
            out.append(model(**batch_to_inputs(batch))["logits"].argmax(dim=-1))
    return torch.cat(out)
