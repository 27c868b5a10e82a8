# The snippet of 001-#4 ("使用BERT进行文本分类"), shaped to the exercise's API with its bugs kept:
# no optimizer is created, torch is never imported, train_dataset and test_dataset are never
# defined, and the evaluation prints one accuracy per batch labelled with the stale `epoch`
# (here a global, as the snippet's leftover loop variable) instead of returning the overall
# accuracy. The model and tokenizer come in as arguments instead of from_pretrained downloads.
from transformers import BertTokenizer, BertForSequenceClassification
from torch.utils.data import DataLoader
from torch.nn import CrossEntropyLoss

epoch = 2  # what the snippet's training loop leaves behind


def train_classifier(model, tokenizer, texts, labels, epochs=3, batch_size=32, lr=5e-5, seed=0):
    # 训练模型
    model.train()
    for epoch in range(epochs):
        for batch in DataLoader(train_dataset, batch_size=batch_size):
            inputs = tokenizer(batch['text'], padding=True, truncation=True, return_tensors='pt')
            labels = batch['label']
            outputs = model(**inputs, labels=labels)
            loss = outputs.loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()


def predict(model, tokenizer, texts, batch_size=32):
    model.eval()
    with torch.no_grad():
        for batch in DataLoader(test_dataset, batch_size=batch_size):
            inputs = tokenizer(batch['text'], padding=True, truncation=True, return_tensors='pt')
            outputs = model(**inputs)
            logits = outputs.logits
            predictions = logits.argmax(-1)
    return predictions


def evaluate_accuracy(model, tokenizer, texts, labels, batch_size=32):
    # 评估模型
    model.eval()
    with torch.no_grad():
        for batch in DataLoader(test_dataset, batch_size=batch_size):
            inputs = tokenizer(batch['text'], padding=True, truncation=True, return_tensors='pt')
            labels = batch['label']
            outputs = model(**inputs, labels=labels)
            logits = outputs.logits
            predictions = logits.argmax(-1)
            accuracy = (predictions == labels).float().mean()
            print(f"Epoch: {epoch}, Accuracy: {accuracy}")
    return accuracy
