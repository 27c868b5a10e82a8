"""seq2seq_translation_finetune: fine-tune an encoder-decoder on parallel text.

Fill in every function. Read README.md for the full contract. Download nothing:
the grader passes you a tiny model and tokenizer.
"""

import torch  # noqa: F401
from torch.utils.data import DataLoader, Dataset  # noqa: F401


class PairDataset(Dataset):
    """(source, target) pairs; ValueError for an empty side or a target equal to its source."""

    def __init__(self, pairs):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def __getitem__(self, index):
        raise NotImplementedError


def make_batch(tokenizer, src_texts, tgt_texts, max_length=32):
    """{"input_ids", "attention_mask", "labels"}: padded sources, and the targets as labels with PAD -> -100."""
    raise NotImplementedError


def make_dataloader(tokenizer, pairs, batch_size, shuffle=False, max_length=32):
    """A DataLoader over PairDataset(pairs) yielding make_batch dicts."""
    raise NotImplementedError


def train(model, loader, epochs=1, lr=5e-5):
    """Fine-tune model in place (AdamW); return the mean loss of each epoch."""
    raise NotImplementedError


def translate(model, tokenizer, texts, max_new_tokens=20, forced_bos_token_id=None):
    """Greedy translations, one string per text; force the first token when forced_bos_token_id is given."""
    raise NotImplementedError
