"""gpt2_sampling: temperature, top-k and top-p sampling with a causal language model.

Fill in every function. Read README.md for the full contract. Download nothing:
the grader passes you tiny models and a word-level tokenizer.
"""

import torch  # noqa: F401


def apply_temperature(logits, temperature):
    """logits / temperature; raise ValueError unless temperature > 0."""
    raise NotImplementedError


def top_k_filter(logits, k):
    """Keep the k largest logits of each row, set the others to -inf; k <= 0 keeps all."""
    raise NotImplementedError


def top_p_filter(logits, p):
    """Keep the smallest set of most probable tokens whose probability reaches p; others -inf."""
    raise NotImplementedError


def sample_next_token(logits, temperature=1.0, top_k=0, top_p=1.0, do_sample=True, generator=None):
    """One next token per row, LongTensor of shape (B, 1): argmax, or a draw from the filtered softmax."""
    raise NotImplementedError


def generate(model, input_ids, max_new_tokens, attention_mask=None, temperature=1.0, do_sample=True, top_k=0,
             top_p=1.0, eos_token_id=None, generator=None):
    """Your own decoding loop: (B, T) prompt ids -> (B, T + n) ids."""
    raise NotImplementedError


def generate_text(model, tokenizer, prompt, max_new_tokens=40, temperature=0.95, seed=0):
    """The prompt and a sampled continuation (model.generate), decoded without special tokens."""
    raise NotImplementedError
