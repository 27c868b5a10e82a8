# The snippet of 003-A1 ("基于BERT模型进行文本分类"), shaped to the exercise's API with its bugs kept:
# the tokenizer's BatchEncoding is handed to DataLoader together with the labels as positional
# arguments (the second one is batch_size), so the labels are never part of a batch, and Adam
# runs at lr 1e-3. The snippet has no Dataset class: EncodedDataset just holds the BatchEncoding
# and indexes it, as DataLoader(input_ids) would. Tokenizer and model come in as arguments.
from transformers import BertTokenizer, BertForSequenceClassification
from torch.utils.data import DataLoader
import torch

DEFAULT_LR = 0.001  # torch.optim.Adam(model.parameters(), lr=0.001)


class EncodedDataset(torch.utils.data.Dataset):
    def __init__(self, encodings, labels):
        self.input_ids = encodings
        self.labels = torch.tensor(labels)

    def __len__(self):
        return len(self.input_ids)

    def __getitem__(self, index):
        return self.input_ids[index]


def make_dataloader(tokenizer, texts, labels, batch_size, shuffle=False, max_length=32):
    # 数据预处理
    input_ids = tokenizer(texts, padding=True, truncation=True, return_tensors='pt')
    labels = torch.tensor(labels)
    return DataLoader(input_ids, labels, batch_size=batch_size)


def train_epoch(model, loader, optimizer):
    # 训练分类器
    model.train()
    for batch in loader:
        optimizer.zero_grad()
        outputs = model(**batch)
        loss = outputs.loss
        loss.backward()
        optimizer.step()


def predict(model, loader):
    # 评估分类器
    model.eval()
    with torch.no_grad():
        for batch in loader:
            outputs = model(**batch)
            logits = outputs.logits
            predicted_labels = logits.argmax(-1)
            print(predicted_labels)
