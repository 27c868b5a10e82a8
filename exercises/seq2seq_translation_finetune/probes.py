"""Probes for seq2seq_translation_finetune: run the student's pipeline on a tiny mBART, offline.

Nothing is downloaded. The tokenizer is a word-level ``PreTrainedTokenizerFast``
(``<pad>`` 0, ``<s>`` 1, ``</s>`` 2, ``<unk>`` 3, the language codes ``en_XX`` and
``fr_XX`` as special tokens, then English and French words) whose post-processor
appends ``</s>`` like mBART's; its size is asserted. The model is a tiny
``MBartForConditionalGeneration`` from a config (d_model 32, one encoder and one
decoder layer, dropout 0, pad 0, bos 1, eos 2, decoder start 2), seeded.

For the decoding probes the model's weights have a large initializer range, so
that even untrained it produces varied greedy output (with the default range it
emits EOS at once, and a comparison would prove nothing). Which first token the
decoder was made to produce is read from what the model's forward received (a
subclass records ``decoder_input_ids``), so any way of forcing it counts.
"""

from collections.abc import Mapping

from grader.probing import probe

SPECIAL = ["<pad>", "<s>", "</s>", "<unk>", "en_XX", "fr_XX"]
ENGLISH = "hello world good morning night thank you very much my friend see later cat dog the".split()
FRENCH = "bonjour le monde bon matin bonne nuit merci beaucoup mon ami au revoir chat chien la".split()
TOKENS = SPECIAL + ENGLISH + FRENCH
VOCAB = {token: index for index, token in enumerate(TOKENS)}
PAD, EOS = 0, 2
FR_XX = VOCAB["fr_XX"]

TRAIN_PAIRS = [
    ("hello world", "bonjour le monde"),
    ("good morning", "bon matin"),
    ("thank you very much", "merci beaucoup"),
    ("good night my friend", "bonne nuit mon ami"),
]


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.WordLevel(dict(VOCAB), unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.post_processor = processors.TemplateProcessing(single="$A </s>", pair="$A $B </s>",
                                                        special_tokens=[("</s>", EOS)])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", bos_token="<s>",
                                        eos_token="</s>", unk_token="<unk>",
                                        additional_special_tokens=["en_XX", "fr_XX"],
                                        model_input_names=["input_ids", "attention_mask"])
    assert len(tokenizer) == len(VOCAB), f"tokenizer has {len(tokenizer)} tokens, expected {len(VOCAB)}"
    return tokenizer


def _config(init_std=0.02):
    from transformers import MBartConfig

    return MBartConfig(vocab_size=len(VOCAB), d_model=32, encoder_layers=1, decoder_layers=1,
                       encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
                       decoder_ffn_dim=64, max_position_embeddings=64, dropout=0.0, attention_dropout=0.0,
                       activation_dropout=0.0, pad_token_id=PAD, bos_token_id=1, eos_token_id=EOS,
                       decoder_start_token_id=EOS, forced_eos_token_id=None, init_std=init_std)


def _model(seed, init_std=0.02, calls=None):
    """A tiny MBartForConditionalGeneration; with ``calls``, each forward's decoder_input_ids are recorded."""
    torch = _torch()
    from transformers import MBartForConditionalGeneration

    class RecordingMBart(MBartForConditionalGeneration):
        def forward(self, *args, **kwargs):
            if calls is not None and kwargs.get("decoder_input_ids") is not None:
                calls.append(kwargs["decoder_input_ids"].detach().clone())
            return super().forward(*args, **kwargs)

    torch.manual_seed(seed)
    return RecordingMBart(_config(init_std))


def _ids(tokenizer, text):
    return tokenizer(text)["input_ids"]


def _array(value):
    """A tensor as itself (the wire turns it into an array); anything else described by its type name."""
    torch = _torch()
    return value if isinstance(value, torch.Tensor) else {"type": type(value).__name__}


# ---------------------------------------------------------------- make_batch

@probe("batch_two")
def batch_two(student):
    """make_batch on two pairs (the public check)."""
    tokenizer = _tokenizer()
    result = student.make_batch(tokenizer, ["hello world", "good night"], ["bonjour le monde", "bonne nuit mon ami"])
    if not isinstance(result, Mapping):
        return {"kind": type(result).__name__}
    return {"kind": "dict", "keys": sorted(str(k) for k in result),
            **{key: _array(result.get(key)) for key in ("input_ids", "attention_mask", "labels")}}


BATCH_CASES = {
    "equal": (["hello world", "good night"], ["bon matin", "bonne nuit"]),  # no padding needed at all
    "uneven": (["hello world", "good morning my friend", "thank you"],
               ["bonjour le monde", "bon matin", "merci beaucoup mon ami"]),
}


@probe("batch", cases=[{"case": "equal"}, {"case": "uneven"}])
def batch(student, case):
    """make_batch on one batch case (equal or unequal lengths), with each text's own token ids for the judge."""
    sources, targets = BATCH_CASES[case]
    tokenizer = _tokenizer()
    result = student.make_batch(tokenizer, list(sources), list(targets))
    if not isinstance(result, Mapping):
        return {"kind": type(result).__name__}
    return {
        "kind": "dict",
        "keys": sorted(str(k) for k in result),
        **{key: _array(result.get(key)) for key in ("input_ids", "attention_mask", "labels")},
        "source_ids": [_ids(tokenizer, s) for s in sources],
        "target_ids": [_ids(tokenizer, t) for t in targets],
    }


# ---------------------------------------------------------------- PairDataset and make_dataloader

BAD_PAIRS = {
    "identity": [("hello world", "bonjour le monde"), ("你好，世界", "你好，世界")],
    "identity_case": [("good morning", "bon matin"), ("Thank you ", "thank you")],
    "empty": [("hello world", "bonjour le monde"), ("", "bonne nuit")],
}


@probe("dataset")
def dataset(student):
    """PairDataset on good pairs (length and items), then on lists holding one bad pair each."""
    good = student.PairDataset(list(TRAIN_PAIRS))
    items = [tuple(good[i]) if isinstance(good[i], (tuple, list)) else repr(good[i])[:60] for i in range(len(good))]
    rejected = {}
    for name, pairs in BAD_PAIRS.items():
        try:
            student.PairDataset(list(pairs))
            rejected[name] = None
        except Exception as exc:  # raising is the behaviour observed here
            rejected[name] = type(exc).__name__
    return {"length": len(good), "items": [list(i) if isinstance(i, tuple) else i for i in items],
            "rejected": rejected}


LOADER_PAIRS = {
    False: [("hello world", "bonjour le monde"), ("good morning my friend", "bon matin"),
            ("thank you", "merci beaucoup mon ami")],
    True: [("hello world", "bon matin"), ("good night", "bonne nuit"), ("thank you", "merci beaucoup")],
}


@probe("loader", cases=[{"shuffle": False, "even": False}, {"shuffle": True, "even": False},
                        {"shuffle": False, "even": True}])
def loader(student, shuffle, even):
    """make_dataloader over 3 pairs with batch_size=2: every batch, as the source and target ids it holds.

    With even=True all sources, and all targets, have the same length (no padding needed).
    """
    torch = _torch()
    tokenizer = _tokenizer()
    torch.manual_seed(3)
    pairs = LOADER_PAIRS[even]
    result = student.make_dataloader(tokenizer, list(pairs), batch_size=2, shuffle=shuffle)
    batches = []
    for item in result:
        if not isinstance(item, Mapping):
            batches.append({"kind": type(item).__name__})
            continue
        rows = []
        ids, mask, labels = item.get("input_ids"), item.get("attention_mask"), item.get("labels")
        if isinstance(ids, torch.Tensor) and isinstance(mask, torch.Tensor) and isinstance(labels, torch.Tensor):
            for r in range(ids.shape[0]):
                rows.append([ids[r][mask[r].bool()].tolist(), labels[r][labels[r] != -100].tolist()])
        batches.append({"kind": "dict", "keys": sorted(str(k) for k in item), "rows": rows,
                        "size": int(ids.shape[0]) if isinstance(ids, torch.Tensor) else None})
    return {"batches": batches, "pairs": [[_ids(tokenizer, s), _ids(tokenizer, t)] for s, t in pairs]}


# ---------------------------------------------------------------- translate

TRANSLATE_TEXTS = {
    False: ["hello world", "good morning my friend", "thank you"],
    True: ["hello world", "good night", "thank you"],  # same length: no padding needed
}


@probe("translate", cases=[{"seed": 0, "even": False}, {"seed": 0, "even": True}])
def translate(student, seed, even):
    """translate 3 texts at once (twice) and one by one, with an untrained (varied) model."""
    tokenizer = _tokenizer()
    model = _model(seed, init_std=0.3).eval()
    texts = TRANSLATE_TEXTS[even]
    together = student.translate(model, tokenizer, list(texts), max_new_tokens=8)
    again = student.translate(model, tokenizer, list(texts), max_new_tokens=8)
    alone = [student.translate(model, tokenizer, [text], max_new_tokens=8) for text in texts]

    def plain(value):
        if isinstance(value, str):
            return {"kind": "str", "value": value}
        if isinstance(value, (list, tuple)):
            return {"kind": "list", "value": [v if isinstance(v, str) else repr(v)[:40] for v in value]}
        return {"kind": type(value).__name__}

    return {"together": plain(together), "again": plain(again), "alone": [plain(a) for a in alone]}


@probe("forced_bos", cases=[{"forced": True}, {"forced": False}])
def forced_bos(student, forced):
    """translate (3 texts of one length) with forced_bos_token_id=fr_XX or None: the decoder's first tokens."""
    tokenizer = _tokenizer()
    calls = []
    model = _model(1, init_std=0.3, calls=calls).eval()
    student.translate(model, tokenizer, list(TRANSLATE_TEXTS[True]), max_new_tokens=6,
                      forced_bos_token_id=FR_XX if forced else None)
    first = None
    if calls:
        longest = max(calls, key=lambda c: c.shape[1])
        if longest.shape[1] >= 2:
            first = longest[:, 1].tolist()  # decoded without a cache: the whole prefix every step
        elif len(calls) >= 2:
            first = calls[1][:, -1].tolist()  # with a cache: one new token per step
    return {"first_tokens": first, "calls": len(calls), "forced_id": FR_XX}


# ---------------------------------------------------------------- training

LEARN_EPOCHS = 30


@probe("learn", cases=[{"seed": 0}], timeout=30)
def learn(student, seed):
    """make_dataloader + train (30 epochs, lr 1e-2, batches of 2, shuffled) on 4 pairs; then greedy translations.

    The translations are made here with model.generate (not with the student's
    translate), so this probe judges the batches and the training loop only.
    """
    torch = _torch()
    tokenizer = _tokenizer()
    model = _model(seed, init_std=0.1)  # with 0.02 some seeds stall, telling sources apart by length only
    torch.manual_seed(seed)
    loader_ = student.make_dataloader(tokenizer, list(TRAIN_PAIRS), batch_size=2, shuffle=True)
    losses = student.train(model, loader_, epochs=LEARN_EPOCHS, lr=1e-2)
    model.eval()
    sources = [s for s, _ in TRAIN_PAIRS]
    enc = tokenizer(sources, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=10, num_beams=1, do_sample=False)
    if isinstance(losses, (list, tuple)):
        losses = [float(x) if isinstance(x, (int, float)) or hasattr(x, "item") else repr(x)[:20] for x in losses]
    else:
        losses = repr(losses)[:80]
    return {"translations": tokenizer.batch_decode(out, skip_special_tokens=True), "losses": losses,
            "sources": sources, "targets": [t for _, t in TRAIN_PAIRS]}


@probe("default_lr")
def default_lr(student):
    """train(model, loader) with its default epochs and lr on one batch of 2 pairs: the largest weight change."""
    tokenizer = _tokenizer()
    model = _model(5)
    before = [p.detach().clone() for p in model.parameters()]
    loader_ = student.make_dataloader(tokenizer, list(TRAIN_PAIRS[:2]), batch_size=2)
    student.train(model, loader_)
    change = max(float((p.detach() - b).abs().max()) for p, b in zip(model.parameters(), before, strict=True))
    return {"max_change": change}
