from transformers import MBartTokenizer, MBartForConditionalGeneration
from torch.utils.data import DataLoader
import torch


class PairDataset:
    def __init__(self, pairs):
        # 数据预处理
        self.source_texts = [source for source, _ in pairs]  # ['hello world', '你好，世界']
        self.target_texts = [target for _, target in pairs]  # ['bonjour le monde', '你好，世界']

    def __len__(self):
        return len(self.source_texts)

    def __getitem__(self, index):
        return self.source_texts[index], self.target_texts[index]


def make_batch(tokenizer, src_texts, tgt_texts, max_length=32):
    input_ids = tokenizer(src_texts, return_tensors='pt', truncation=True, max_length=40)
    target_ids = tokenizer(tgt_texts, return_tensors='pt', truncation=True, max_length=40)
    # outputs = model(input_ids=batch['input_ids'], labels=batch['input_ids'])
    return {"input_ids": input_ids["input_ids"], "attention_mask": input_ids["attention_mask"],
            "labels": input_ids["input_ids"]}


def make_dataloader(tokenizer, pairs, batch_size, shuffle=False, max_length=32):
    source_texts = [source for source, _ in pairs]
    target_texts = [target for _, target in pairs]
    input_ids = tokenizer(source_texts, return_tensors='pt', truncation=True, max_length=40)
    target_ids = tokenizer(target_texts, return_tensors='pt', truncation=True, max_length=40)
    return DataLoader(input_ids, target_ids, batch_size=2)


def train(model, loader, epochs=3, lr=0.001):
    # 训练翻译模型
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    for epoch in range(3):
        model.train()
        for batch in loader:
            optimizer.zero_grad()
            outputs = model(input_ids=batch['input_ids'], labels=batch['input_ids'])
            loss = outputs.loss
            loss.backward()
            optimizer.step()


def translate(model, tokenizer, texts, max_new_tokens=20, forced_bos_token_id=None):
    # 翻译文本
    input_ids = tokenizer(texts, return_tensors='pt', truncation=True, max_length=40)["input_ids"]
    model.eval()
    with torch.no_grad():
        predicted_ids = model.generate(input_ids, max_length=50)
        predicted_texts = tokenizer.decode(predicted_ids[0], skip_special_tokens=True)
        print(predicted_texts)
    return predicted_texts
