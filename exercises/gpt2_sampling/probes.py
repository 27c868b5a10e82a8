"""Probes for gpt2_sampling: run the student's sampling code on tiny GPT-2 models, offline.

Models and tokenizer are built here, never downloaded:

- the tokenizer is a word-level ``PreTrainedTokenizerFast`` over 50 tokens
  (``<pad>`` 0, ``<unk>`` 1, ``<eos>`` 2 = GPT-2's bos/eos, then 47 words); its
  size is asserted;
- a *bigram* GPT-2: a real ``GPT2LMHeadModel`` subclass (same call signature,
  cache, ``generate``) whose forward replaces the logits by a fixed table row of
  each input token: every word has three successors with logits 3, 1.5 and 0
  and every other token gets -1e4. So each generated token is a draw from a
  known distribution, and its *rank* (0, 1 or 2) among the previous word's
  successors can be counted over many draws whatever random stream the
  student's code used;
- a real tiny GPT-2 whose weights have a large initializer range (0.3), so that
  its greedy continuations vary from token to token (with the default 0.02 it
  repeats one token and a greedy comparison would prove nothing).

Sampled outputs are never compared with one reference stream: the probes
return counts of many draws and the checks compare them with the exact
distributions. The tensors the student's code receives come from private
``torch.Generator`` objects.
"""

from grader.probing import probe

SPECIAL = ["<pad>", "<unk>", "<eos>"]
WORDS = (
    "the a cat dog sat on mat ran to house big small red blue and it was very happy sad day night sun "
    "moon tree bird flew over under park city man woman child saw ate food slept quickly slowly then "
    "after before home river hill old"
).split()
TOKENS = SPECIAL + WORDS
VOCAB = {token: index for index, token in enumerate(TOKENS)}
PAD, UNK, EOS = 0, 1, 2
FIRST_WORD = len(SPECIAL)
N_WORDS = len(WORDS)
SUCCESSOR_STEPS = (1, 5, 11)  # word k is followed by words k+1, k+5, k+11 (mod 47) ...
SUCCESSOR_LOGITS = (3.0, 1.5, 0.0)  # ... with these logits; every other token gets -1e4
OFF = -1e4
PROMPT = "the cat sat on"


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    assert len(TOKENS) == 50 and len(VOCAB) == 50
    core = Tokenizer(models.WordLevel(dict(VOCAB), unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, unk_token="<unk>", pad_token="<pad>",
                                        eos_token="<eos>", bos_token="<eos>")
    assert len(tokenizer) == 50, f"tokenizer has {len(tokenizer)} tokens, expected 50"
    return tokenizer


def _config(initializer_range=0.02):
    from transformers import GPT2Config

    return GPT2Config(vocab_size=50, n_embd=32, n_layer=2, n_head=2, n_positions=128, bos_token_id=EOS,
                      eos_token_id=EOS, pad_token_id=PAD, initializer_range=initializer_range)


def successors(token):
    """The three successor token ids of a token, most likely first (special tokens act as word 0)."""
    k = token - FIRST_WORD if token >= FIRST_WORD else 0
    return [FIRST_WORD + (k + step) % N_WORDS for step in SUCCESSOR_STEPS]


def _bigram_table(eos_after=None):
    """(50, 50) next-token logits; with eos_after={a: b, b: EOS}, a fixed chain ending in EOS instead."""
    torch = _torch()
    table = torch.full((50, 50), OFF)
    for token in range(50):
        for successor, logit in zip(successors(token), SUCCESSOR_LOGITS, strict=True):
            table[token, successor] = logit
    for token, forced in (eos_after or {}).items():
        table[token] = OFF
        table[token, forced] = 30.0
    return table


def _bigram_model(table, calls=None):
    """A GPT2LMHeadModel whose logits are table[input_ids]; ``calls`` records each forward's inputs."""
    torch = _torch()
    from transformers import GPT2LMHeadModel

    class BigramGPT2(GPT2LMHeadModel):
        def forward(self, input_ids=None, *args, **kwargs):
            if calls is not None:
                calls.append({"attention_mask": kwargs.get("attention_mask") is not None,
                              "shape": list(input_ids.shape) if input_ids is not None else None})
            output = super().forward(input_ids, *args, **kwargs)
            logits = table[input_ids]
            if not isinstance(output, tuple):
                output.logits = logits
                return output
            return (logits,) + tuple(output[1:])

    torch.manual_seed(0)
    return BigramGPT2(_config()).eval()


def _real_model(seed):
    torch = _torch()
    from transformers import GPT2LMHeadModel

    torch.manual_seed(seed)
    return GPT2LMHeadModel(_config(initializer_range=0.3)).eval()


def _rank_counts(rows):
    """Counts of the rank (0, 1, 2 among the previous token's successors; 3 = any other) of every new token."""
    counts = [0, 0, 0, 0]
    for previous, token in rows:
        ranks = successors(previous)
        counts[ranks.index(token) if token in ranks else 3] += 1
    return counts


def _tensor_info(value):
    torch = _torch()
    if not isinstance(value, torch.Tensor):
        return {"type": type(value).__name__}
    return {"type": "Tensor", "dtype": str(value.dtype).replace("torch.", ""), "shape": list(value.shape)}


# ---------------------------------------------------------------- temperature and filters


def _logits(rows, seed):
    torch = _torch()
    return torch.randn(rows, 50, generator=torch.Generator().manual_seed(seed)) * 2.0


@probe("temperature", cases=[{"temperature": 0.5}, {"temperature": 2.0}])
def temperature(student, temperature):
    """apply_temperature on random (3, 50) logits; returns both the input and the output."""
    logits = _logits(3, 1)
    out = student.apply_temperature(logits.clone(), temperature)
    return {"logits": logits, "out": out, **_tensor_info(out)}


@probe("bad_temperature", cases=[{"temperature": 0.0}, {"temperature": -1.0}])
def bad_temperature(student, temperature):
    """apply_temperature with a temperature <= 0: what it raised, if anything."""
    try:
        student.apply_temperature(_logits(2, 2), temperature)
    except Exception as exc:  # raising is the behaviour observed here
        return {"raised": type(exc).__name__}
    return {"raised": None}


@probe("top_k", cases=[{"k": 1}, {"k": 5}, {"k": 0}])
def top_k(student, k):
    """top_k_filter on random (4, 50) logits."""
    logits = _logits(4, 3)
    out = student.top_k_filter(logits.clone(), k)
    return {"logits": logits, "out": out, **_tensor_info(out)}


@probe("top_p", cases=[{"p": 0.5}, {"p": 0.9}, {"p": 0.05}, {"p": 1.0}])
def top_p(student, p):
    """top_p_filter on random (4, 50) logits (no cumulative probability falls within 1e-3 of p)."""
    logits = _logits(4, 4)
    out = student.top_p_filter(logits.clone(), p)
    return {"logits": logits, "out": out, **_tensor_info(out)}


# ---------------------------------------------------------------- sample_next_token

DRAWS = 8000
SAMPLE_CASES = [
    {"temperature": 0.5, "top_k": 0, "top_p": 1.0},
    {"temperature": 1.0, "top_k": 0, "top_p": 1.0},
    {"temperature": 2.0, "top_k": 0, "top_p": 1.0},
    {"temperature": 1.0, "top_k": 3, "top_p": 1.0},
    {"temperature": 2.0, "top_k": 0, "top_p": 0.5},
]


def _sampling_logits():
    """One row of 50 distinct logits: 6 likely tokens, the rest less likely but not impossible.

    No two logits are equal (ties would make top-k / top-p ambiguous), and no
    cumulative probability falls within 0.01 of a top-p threshold used here.
    """
    torch = _torch()
    row = -3.0 - 0.037 * torch.arange(50, dtype=torch.float32)
    row[[7, 19, 3, 40, 28, 11]] = torch.tensor([2.0, 1.2, 0.9, 0.3, -0.5, -1.5])
    return row


@probe("sample", cases=[dict(case, seed=0) for case in SAMPLE_CASES])
def sample(student, temperature, top_k, top_p, seed):
    """sample_next_token on 8000 identical rows of logits (one call, a private generator): token counts."""
    torch = _torch()
    logits = _sampling_logits().expand(DRAWS, 50).clone()
    generator = torch.Generator().manual_seed(1000 + seed)
    out = student.sample_next_token(logits, temperature=temperature, top_k=top_k, top_p=top_p, do_sample=True,
                                    generator=generator)
    info = _tensor_info(out)
    counts = None
    if info["type"] == "Tensor" and out.numel() == DRAWS:
        counts = torch.bincount(out.reshape(-1).long().clamp(0, 49), minlength=50)
    return {"logits": _sampling_logits(), "counts": counts, **info}


@probe("greedy_and_generator")
def greedy_and_generator(student):
    """do_sample=False on random logits; and two calls with identically seeded generators."""
    torch = _torch()
    logits = _logits(6, 5)
    greedy = student.sample_next_token(logits.clone(), temperature=0.7, do_sample=False)
    draws = []
    for _ in range(2):
        generator = torch.Generator().manual_seed(77)
        draws.append(student.sample_next_token(logits.clone(), temperature=1.5, do_sample=True,
                                               generator=generator))
    return {"logits": logits, "greedy": greedy, **{"greedy_" + k: v for k, v in _tensor_info(greedy).items()},
            "first": draws[0], "second": draws[1]}


# ---------------------------------------------------------------- generate (the student's own loop)


def _prompt_ids(seed, length):
    torch = _torch()
    return torch.randint(FIRST_WORD, 50, (1, length), generator=torch.Generator().manual_seed(seed))


@probe("generate_greedy", cases=[{"seed": 0}, {"seed": 1}])
def generate_greedy(student, seed):
    """Greedy generate (12 tokens) with a real tiny GPT-2, and HF's own greedy generate of the same prompt."""
    torch = _torch()
    model = _real_model(seed)
    prompt = _prompt_ids(10 + seed, 5)
    out = student.generate(model, prompt.clone(), 12, do_sample=False)
    with torch.no_grad():
        reference = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=12,
                                   do_sample=False, pad_token_id=PAD)
    return {"out": out, "hf": reference, **_tensor_info(out)}


@probe("generate_padded", cases=[{"seed": 0}])
def generate_padded(student, seed):
    """Greedy generate on a left-padded batch of two prompts (with its attention mask), and each prompt alone."""
    torch = _torch()
    model = _real_model(seed)
    short, long = _prompt_ids(20, 3), _prompt_ids(21, 6)
    batch = torch.cat([torch.cat([torch.full((1, 3), PAD), short], dim=1), long])
    mask = (torch.arange(6) >= torch.tensor([[3], [0]])).long()
    out = student.generate(model, batch.clone(), 8, attention_mask=mask.clone(), do_sample=False)
    alone = []
    with torch.no_grad():
        for prompt in (short, long):
            full = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=8,
                                  do_sample=False, pad_token_id=PAD)
            alone.append(full[0, prompt.shape[1]:])
    return {"out": out, "alone": torch.stack(alone), **_tensor_info(out)}


@probe("generate_stop", cases=[{"eos": True}, {"eos": False}])
def generate_stop(student, eos):
    """generate (sampling, 10 tokens) on a bigram chain prompt -> c -> EOS, with and without eos_token_id."""
    torch = _torch()
    a, b, c = VOCAB["the"], VOCAB["cat"], VOCAB["sat"]
    model = _bigram_model(_bigram_table(eos_after={b: c, c: EOS}))
    prompt = torch.tensor([[a, b]])
    generator = torch.Generator().manual_seed(5)
    out = student.generate(model, prompt.clone(), 10, eos_token_id=EOS if eos else None, generator=generator)
    return {"out": out, **_tensor_info(out)}


@probe("generate_sampling", cases=[{"temperature": 1.5, "top_k": 2, "top_p": 1.0, "seed": 0},
                                   {"temperature": 1.0, "top_k": 0, "top_p": 0.9, "seed": 0}])
def generate_sampling(student, temperature, top_k, top_p, seed):
    """generate (3 new tokens) on 1000 identical prompts with the bigram model: counts of successor ranks."""
    torch = _torch()
    model = _bigram_model(_bigram_table())
    prompt = torch.tensor([[VOCAB["the"], VOCAB["dog"]]]).expand(1000, 2).clone()
    generator = torch.Generator().manual_seed(9 + seed)
    out = student.generate(model, prompt, 3, temperature=temperature, top_k=top_k, top_p=top_p,
                           generator=generator)
    info = _tensor_info(out)
    if info["type"] != "Tensor" or out.ndim != 2 or out.shape[0] != 1000 or out.shape[1] < 3:
        return {"counts": None, **info}
    rows = [(int(p), int(t)) for seq in out.tolist() for p, t in zip(seq[1:-1], seq[2:], strict=True)]
    return {"counts": _rank_counts(rows), **info}


# ---------------------------------------------------------------- generate_text (the library's generate)

TEXT_SEEDS = 20
TEXT_NEW_TOKENS = 20
TEXT_TEMPERATURE = 2.0


def _watch_generate(model):
    """Record the keyword arguments of every model.generate call (what generate was *given*).

    transformers 5 drops an all-ones attention mask before calling forward, so
    forward alone cannot tell whether the caller passed one.
    """
    seen = []
    original = model.generate

    def generate(*args, **kwargs):
        mask = kwargs.get("attention_mask")
        seen.append({"attention_mask": mask is not None, "do_sample": kwargs.get("do_sample"),
                     "max_length": kwargs.get("max_length"), "max_new_tokens": kwargs.get("max_new_tokens"),
                     "positional": len(args)})
        return original(*args, **kwargs)

    model.generate = generate
    return seen


@probe("text", cases=[{"base": 0}])
def text(student, base):
    """generate_text (temperature 2, 20 new tokens) with seeds base..base+19 and seed base again.

    Returns the texts, the successor-rank counts of their new words, the greedy
    continuation of the same prompt (computed here), and what model.generate and
    forward were given.
    """
    torch = _torch()
    tokenizer = _tokenizer()
    forward_calls = []
    model = _bigram_model(_bigram_table(), forward_calls)
    generate_calls = _watch_generate(model)
    texts = [student.generate_text(model, tokenizer, PROMPT, max_new_tokens=TEXT_NEW_TOKENS,
                                   temperature=TEXT_TEMPERATURE, seed=base + s) for s in range(TEXT_SEEDS)]
    again = student.generate_text(model, tokenizer, PROMPT, max_new_tokens=TEXT_NEW_TOKENS,
                                  temperature=TEXT_TEMPERATURE, seed=base)
    rows = []
    for value in texts:
        if isinstance(value, str):
            ids = [VOCAB.get(word, UNK) for word in value.split()]
            rows.extend(zip(ids[3:-1], ids[4:], strict=True))  # transitions after the prompt's last word
    forward_masks = sorted({call["attention_mask"] for call in forward_calls})  # before the probe's own call
    prompt = torch.tensor([[VOCAB[w] for w in PROMPT.split()]])
    with torch.no_grad():  # the class's generate: not recorded as the student's call
        plain = type(model).generate(model, prompt, attention_mask=torch.ones_like(prompt),
                                     max_new_tokens=TEXT_NEW_TOKENS, do_sample=False, pad_token_id=PAD)
    return {
        "texts": [t if isinstance(t, str) else f"<{type(t).__name__}>" for t in texts],
        "again": again if isinstance(again, str) else f"<{type(again).__name__}>",
        "greedy": tokenizer.decode(plain[0], skip_special_tokens=True),
        "rank_counts": _rank_counts(rows),
        "generate_calls": generate_calls[:3],
        "generate_count": len(generate_calls),
        "generate_masks": sorted({call["attention_mask"] for call in generate_calls}),
        "forward_masks": forward_masks,
    }


@probe("unknown_prompt", cases=[{"prompt": "我是一个人工智能助手"}, {"prompt": "the cat xylophone on"}])
def unknown_prompt(student, prompt):
    """generate_text on a prompt the word-level English tokenizer cannot represent (unknown tokens)."""
    tokenizer = _tokenizer()
    model = _bigram_model(_bigram_table())
    try:
        out = student.generate_text(model, tokenizer, prompt, max_new_tokens=5, temperature=1.0, seed=0)
    except Exception as exc:  # raising is the behaviour observed here
        return {"raised": type(exc).__name__, "message": str(exc)[:160]}
    return {"raised": None, "text": out if isinstance(out, str) else f"<{type(out).__name__}>"}
