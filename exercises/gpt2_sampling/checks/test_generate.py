"""Hidden checks: the student's own decoding loop ``generate``.

- greedy decoding equals transformers' own greedy ``model.generate`` on a real
  tiny GPT-2 whose initializer range is large, so that its greedy
  continuations change from token to token (the default range gives a model
  that repeats one token, which would prove nothing);
- a left-padded batch continues each row exactly as that prompt alone does;
- exactly max_new_tokens new tokens without EOS; with eos_token_id, nothing
  after the first EOS (stopping before it or after it are both accepted);
(Its sampled continuations are checked in test_sampling.py.)
"""

import numpy as np
import pytest

from grader.checking import describe, fail

EOS = 2
PROMPT_IDS = [3, 5]  # "the cat"; the chain model then makes "sat" (7) and EOS certain
ONLY_WORD = 7


def _expect_ids(got, rows, what):
    out = got["out"]
    if got["type"] != "Tensor" or not isinstance(out, np.ndarray):
        fail(f"generate should return a LongTensor of token ids, but {what} returned a {got['type']}.")
    if out.ndim != 2 or out.shape[0] != rows:
        fail(f"generate should return a (batch, length) tensor with {rows} row(s), but {what} returned shape "
             f"{tuple(out.shape)}.")
    return out


@pytest.mark.points(10)
def test_generate_greedy_matches_transformers(observe):
    """Greedy generate gives, token for token, what transformers' model.generate(do_sample=False) gives."""
    for seed in (0, 1):
        got = observe("generate_greedy", seed=seed)
        out = _expect_ids(got, 1, "greedy decoding")
        hf = got["hf"]
        if out.shape != hf.shape:
            fail(f"For a 5-token prompt and max_new_tokens=12, generate should return 17 tokens (prompt "
                 f"included), but it returned {out.shape[1]}.")
        if not np.array_equal(out[:, :5], hf[:, :5]):
            fail("generate's output should start with the prompt's tokens, unchanged.")
        if not np.array_equal(out, hf):
            first = int(np.argmax(out[0] != hf[0]))
            fail(f"With do_sample=False, generate's continuation differs from transformers' greedy "
                 f"model.generate from new token {first - 4} on: at each step append the argmax of the logits of "
                 "the last position, computed on the whole sequence so far.")


@pytest.mark.points(10)
def test_generate_left_padding(observe):
    """On a left-padded batch with its attention mask, each row continues exactly as its prompt alone does."""
    got = observe("generate_padded", seed=0)
    out = _expect_ids(got, 2, "a batch of 2 prompts")
    alone = got["alone"]
    if out.shape[1] != 6 + 8:
        fail(f"For a batch of prompts of length 6 (padding included) and max_new_tokens=8, generate should "
             f"return 14 tokens per row, but it returned {out.shape[1]}.")
    new = out[:, 6:]
    if np.array_equal(new, alone):
        return
    if np.array_equal(new[1], alone[1]):
        fail("In a left-padded batch, the row without padding was continued correctly but the padded row was "
             "not: pass the attention_mask to the model (padding must not be attended to) and position ids "
             "that count from each row's first real token (attention_mask.cumsum(-1) - 1), and extend the mask "
             "with each new token.")
    fail("On a left-padded batch, generate's greedy continuations differ from those of each prompt alone "
         f"(your new tokens: {describe(new)}).")


@pytest.mark.points(5)
def test_generate_length_and_eos(observe):
    """generate adds exactly max_new_tokens tokens, and with eos_token_id it stops at the first EOS."""
    got = observe("generate_stop", eos=False)
    out = _expect_ids(got, 1, "a 2-token prompt")
    if out.shape[1] != 2 + 10:
        fail(f"Without eos_token_id, generate(max_new_tokens=10) on a 2-token prompt should return 12 tokens "
             f"(the prompt and 10 new ones), but it returned {out.shape[1]}.")
    got = observe("generate_stop", eos=True)
    out = _expect_ids(got, 1, "a 2-token prompt with eos_token_id")
    row = out[0].tolist()
    if row[:2] != PROMPT_IDS:
        fail("generate's output should start with the prompt's tokens, unchanged.")
    if row[2:3] != [ONLY_WORD]:
        fail(f"On a model whose continuation is one certain token and then EOS, generate returned "
             f"{describe(out)}.")
    if row[3:] in ([], [EOS]):
        return
    if EOS in row:
        fail(f"With eos_token_id, generate went on after the end-of-sequence token ({len(row)} tokens, the EOS at "
             f"position {row.index(EOS)}): stop at the first EOS.")
    fail(f"With eos_token_id, generate never produced the EOS that the model makes certain after one token "
         f"(it returned {len(row)} tokens).")
