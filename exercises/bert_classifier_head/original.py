# The snippet of 004-#3 ("使用 PyTorch 微调 BERT 模型进行文本分类"), shaped to the exercise's API with its
# bugs kept: the "classifier" is the bare BertModel (no head, labels unused), TensorDataset batches
# (lists) are unpacked with **, outputs[0] (the last hidden state) is taken as the loss, the
# model is never put in training mode, and the evaluation prints the hidden states as "logits".
# The encoder and the data loaders come in as arguments instead of from_pretrained downloads.
import torch
from transformers import BertTokenizer, BertModel
from torch.utils.data import DataLoader, TensorDataset


def BertClassifier(encoder, num_labels, dropout=0.1, freeze_encoder=False):
    # model = BertModel.from_pretrained('bert-base-chinese')
    return encoder


def batch_to_inputs(batch):
    inputs = batch
    return inputs


def fine_tune(model, dataloader, epochs=2, lr=1e-5):
    # 微调模型
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        for batch in dataloader:
            inputs = batch
            outputs = model(**inputs)
            loss = outputs[0]  # 取第一个输出的损失函数
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()


def predict(model, dataloader):
    # 评估模型
    model.eval()
    with torch.no_grad():
        for batch in dataloader:
            inputs = batch
            outputs = model(**inputs)
            logits = outputs[0]
            print(logits)
