"""Hidden checks: generate_text calls transformers' generate correctly.

The model is a GPT-2 whose next-token logits are a fixed bigram table: every
word has three successors with logits 3, 1.5 and 0, and no other token is
possible (EOS never comes). The probe calls generate_text 20 times (seeds 0 to
19, temperature 2, 20 new tokens) and once more with seed 0, and counts the
*rank* of every generated word among its predecessor's successors. The rank
frequencies are compared with softmax([3, 1.5, 0] / 2), whatever random stream
the code used.

Margin: 20 runs of the probe on disjoint seed ranges (400 draws each) gave a
largest rank-frequency error of 0.051 for the reference solution and the four
correct test submissions; the tolerance is 0.1. Greedy decoding gives rank 0
every time (error 0.41), and sampling at temperature 1 instead of 2 is off by
0.20.
"""

import numpy as np
import pytest

from grader.checking import describe, fail

PROMPT = "the cat sat on"
NEW_TOKENS = 20
TEMPERATURE = 2.0
TOLERANCE = 0.1
SUCCESSOR_LOGITS = np.array([3.0, 1.5, 0.0])


def softmax(logits):
    e = np.exp(logits - logits.max())
    return e / e.sum()


def _texts(observe):
    got = observe("text", base=0)
    for value in got["texts"] + [got["again"]]:
        if value.startswith("<"):
            fail(f"generate_text should return a str, but it returned a {value.strip('<>')}.")
        if not value.startswith(PROMPT):
            fail(f"generate_text should return the prompt followed by the generated text, but it returned "
                 f"{describe(value)}.")
    return got


@pytest.mark.points(10)
@pytest.mark.bug("temperature-without-sampling")
def test_generate_text_samples(observe):
    """generate_text samples with the given temperature: seeds give different texts with the right frequencies."""
    got = _texts(observe)
    texts = got["texts"]
    greedy_like = all(t == got["greedy"] for t in texts)
    counts = np.asarray(got["rank_counts"], dtype=np.float64)
    if greedy_like or (counts.sum() and counts[0] == counts.sum()):
        fail("generate_text returned the greedy (most likely) continuation for every seed: without "
             "do_sample=True, generate ignores the temperature and decodes greedily.",
             bug="temperature-without-sampling")
    if len(set(texts)) == 1:
        fail("generate_text returned the same text for 20 different seeds: it should sample, with the seed "
             "only making the result reproducible.")
    if got["again"] != texts[0]:
        fail("Two calls of generate_text with the same seed gave different texts: seed torch (torch.manual_seed"
             "(seed)) right before generating, so that a seed gives one text.")
    if counts.sum() == 0:
        fail("generate_text's texts contain no generated word after the prompt.")
    freq = counts / counts.sum()
    want = np.append(softmax(SUCCESSOR_LOGITS / TEMPERATURE), 0.0)
    if freq[3] > 0:
        fail("generate_text produced words that the model gives no probability at all (or lost words "
             "between the prompt and the continuation).")
    if np.abs(freq - want).max() <= TOLERANCE:
        return
    at_one = np.append(softmax(SUCCESSOR_LOGITS), 0.0)
    if np.abs(freq - at_one).max() <= TOLERANCE:
        fail(f"generate_text(temperature={TEMPERATURE:g}) sampled as with temperature 1: pass the temperature "
             "argument on to generate.")
    fail(f"generate_text(temperature={TEMPERATURE:g}) samples words with frequencies "
         f"{np.round(freq[:3], 3).tolist()} where the model's distribution at that temperature gives "
         f"{np.round(want[:3], 3).tolist()}.")


@pytest.mark.points(5)
@pytest.mark.bug("max-length-includes-prompt")
def test_generate_text_new_tokens(observe):
    """generate_text(max_new_tokens=20) adds exactly 20 tokens after the prompt (the model never emits EOS)."""
    got = _texts(observe)
    prompt_len = len(PROMPT.split())
    for value in got["texts"]:
        new = len(value.split()) - prompt_len
        if new == NEW_TOKENS:
            continue
        if new == NEW_TOKENS - prompt_len or new + prompt_len == 50:
            fail(f"generate_text(max_new_tokens={NEW_TOKENS}) added {new} tokens to a {prompt_len}-token prompt: "
                 "the limit was passed as max_length, which counts the prompt. Use max_new_tokens.",
                 bug="max-length-includes-prompt")
        fail(f"generate_text(max_new_tokens={NEW_TOKENS}) added {new} words to the prompt, on a model that "
             f"never produces EOS; it should add exactly {NEW_TOKENS}.")


@pytest.mark.points(5)
@pytest.mark.bug("no-attention-mask-pad")
def test_generate_text_attention_mask(observe):
    """generate_text gives model.generate the prompt's attention mask (and pad token), not only input_ids."""
    got = observe("text", base=0)
    if got["generate_count"]:
        if got["generate_masks"] != [True]:
            fail("generate_text calls model.generate without attention_mask: pass the tokenizer's attention "
                 "mask (model.generate(**encoding, ...)) so that padding is never attended to.",
                 bug="no-attention-mask-pad")
        return
    if got["forward_masks"] != [True]:
        fail("generate_text runs the model without an attention_mask: pass the tokenizer's attention mask at "
             "every step.", bug="no-attention-mask-pad")


@pytest.mark.points(5)
@pytest.mark.bug("chinese-prompt-english-gpt2")
def test_generate_text_unknown_prompt(observe):
    """generate_text raises ValueError for a prompt its tokenizer cannot represent (unknown tokens)."""
    for prompt, what in (("我是一个人工智能助手", "a Chinese prompt"),
                         ("the cat xylophone on", "an English prompt with a word outside the vocabulary")):
        got = observe("unknown_prompt", prompt=prompt)
        if got["raised"] == "ValueError":
            continue
        if got["raised"] is not None:
            fail(f"For {what}, generate_text should raise ValueError, but it raised {got['raised']}.")
        if "Chinese" in what:
            fail("generate_text generated a continuation of a Chinese prompt that the model's (English, "
                 "word-level) tokenizer maps to its unknown token: the model cannot read it. Refuse such a "
                 "prompt with ValueError (and use a model trained for the prompt's language).",
                 bug="chinese-prompt-english-gpt2")
        fail(f"For {what}, which the tokenizer maps partly to its unknown token, generate_text returned a text; "
             "it should raise ValueError (check the encoded prompt for tokenizer.unk_token_id).")
