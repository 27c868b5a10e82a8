"""Hidden checks: temperature, top-k and top-p filters, and sampling from softmax(filtered logits / T).

The exact distributions are computed here with numpy, in transformers' order and
conventions: temperature first, then top-k (keep the k largest logits), then
top-p (keep the smallest set of most probable tokens whose probability reaches p).
A filtered logit counts as removed when it is -inf or so low that its
probability underflows to 0 (1000 below the row's largest logit).

Sampled tokens are judged by histograms, never by a reference random stream, so
multinomial, Gumbel-max, inverse-CDF or any other exact sampler passes.
Margins, over 20 generator seeds, for the reference solution and the four
correct test submissions (multinomial, Gumbel-max, inverse CDF, transformers'
warpers):
- sample_next_token, 8000 draws per case (a frequency's standard deviation is
  at most 0.0056): largest error 0.016 over the 5 cases; tolerance 0.03;
- generate, 3000 draws per case from a bigram model: largest error 0.019;
  tolerance 0.03.
"""

import numpy as np
import pytest

from grader.checking import describe, fail

SUCCESSOR_LOGITS = np.array([3.0, 1.5, 0.0])  # the bigram model of the generate_sampling probe
TOLERANCE = 0.03
CASES = [
    (0.5, 0, 1.0),
    (1.0, 0, 1.0),
    (2.0, 0, 1.0),
    (1.0, 3, 1.0),
    (2.0, 0, 0.5),
]


def softmax(logits):
    z = np.asarray(logits, dtype=np.float64)
    z = z - z[np.isfinite(z)].max()
    e = np.where(np.isfinite(z), np.exp(z), 0.0)
    return e / e.sum()


def keep_top_k(logits, k):
    """Bool mask of the k largest entries (everything when k <= 0)."""
    logits = np.asarray(logits, dtype=np.float64)
    if k <= 0 or k >= logits.size:
        return np.ones(logits.shape, dtype=bool)
    return logits >= np.sort(logits)[-k]


def keep_top_p(logits, p):
    """Bool mask of the minimal nucleus: most probable tokens until their probability reaches p."""
    probs = softmax(logits)
    if p >= 1.0:
        return np.ones(probs.shape, dtype=bool)
    order = np.argsort(-probs, kind="stable")
    before = np.cumsum(probs[order]) - probs[order]
    keep = np.zeros(probs.shape, dtype=bool)
    keep[order[before < p]] = True
    keep[order[0]] = True
    return keep


def next_token_probs(logits, temperature=1.0, top_k=0, top_p=1.0):
    """The distribution sample_next_token must draw from."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    scaled = np.where(keep_top_k(scaled, top_k), scaled, -np.inf)
    scaled = np.where(keep_top_p(scaled, top_p), scaled, -np.inf)
    return softmax(scaled)


def _expect_filtered(got, keep, what):
    """Kept entries unchanged, removed entries -inf (or so low that a softmax gives them 0)."""
    out, logits = got["out"], got["logits"]
    if got["type"] != "Tensor":
        fail(f"{what} should return a tensor, but it returned a {got['type']}.")
    if out.shape != logits.shape:
        fail(f"{what} should keep the shape {logits.shape} of the logits, but it returned shape {out.shape}.")
    removed = ~keep
    if not np.allclose(out[keep], logits[keep], rtol=1e-6, atol=1e-6):
        fail(f"{what} changed the logits of tokens it should keep; keep their values as they are.")
    if np.any(np.isnan(out)):
        fail(f"{what} returned NaN values: {describe(out)}.")
    extra = int(np.sum(removed & ~_removed(out)))
    if extra:
        fail(f"{what} kept {extra} token(s) (over {logits.shape[0]} rows) that it should remove; set the "
             "removed logits to -inf.")


def _removed(out):
    """Entries that a softmax gives probability 0: -inf, or 1000 below the row's largest logit."""
    return (out == -np.inf) | (out < out.max(axis=-1, keepdims=True) - 1000.0)


@pytest.mark.points(5)
def test_temperature_must_be_positive(observe):
    """apply_temperature raises ValueError for a temperature of 0 or below."""
    for temperature in (0.0, -1.0):
        raised = observe("bad_temperature", temperature=temperature)["raised"]
        if raised != "ValueError":
            did = "returned without raising" if raised is None else f"raised {raised}"
            fail(f"apply_temperature(logits, {temperature:g}) should raise ValueError (a temperature must be > 0: "
                 f"0 would divide by zero, a negative one would favour the least likely tokens), but it {did}.")


@pytest.mark.points(5)
def test_top_k_filter(observe):
    """top_k_filter keeps exactly the k largest logits of each row (k = 0 keeps all) and sets the rest to -inf."""
    for k in (1, 5, 0):
        got = observe("top_k", k=k)
        keep = np.stack([keep_top_k(row, k) for row in got["logits"]])
        _expect_filtered(got, keep, f"top_k_filter(logits, {k})")


@pytest.mark.points(10)
def test_top_p_filter(observe):
    """top_p_filter keeps the smallest set of most probable tokens whose probability reaches p (p = 1 keeps all)."""
    for p in (0.5, 0.9, 0.05, 1.0):
        got = observe("top_p", p=p)
        keep = np.stack([keep_top_p(row, p) for row in got["logits"]])
        out = got["out"]
        if got["type"] == "Tensor" and out.shape == got["logits"].shape and p < 1.0:
            finite = ~_removed(out) & ~np.isnan(out)
            kept, want = finite.sum(axis=1), keep.sum(axis=1)
            if np.all(kept == want - 1) and p > 0.05:
                fail(f"top_p_filter(logits, {p}) removed the token that makes the kept probability reach p: "
                     "keep every token up to and including the first one at which the cumulative probability "
                     "(most probable first) is >= p.")
            if np.all(kept == want + 1):
                fail(f"top_p_filter(logits, {p}) kept one token too many: the nucleus is the smallest set of "
                     "most probable tokens whose total probability is >= p.")
            for row, mask in zip(got["logits"], finite, strict=True):
                if mask.any() and softmax(row)[mask].sum() < p - 1e-6:
                    fail(f"top_p_filter(logits, {p}) kept tokens whose total probability is below p.")
        _expect_filtered(got, keep, f"top_p_filter(logits, {p})")


def _setting(temperature, top_k, top_p):
    parts = [f"temperature={temperature:g}"]
    if top_k:
        parts.append(f"top_k={top_k}")
    if top_p < 1.0:
        parts.append(f"top_p={top_p:g}")
    return ", ".join(parts)


@pytest.mark.points(15)
def test_sample_frequencies(observe):
    """Over 8000 draws, sample_next_token's token frequencies match softmax(filtered logits / T)."""
    for temperature, top_k, top_p in CASES:
        got = observe("sample", temperature=temperature, top_k=top_k, top_p=top_p, seed=0)
        setting = _setting(temperature, top_k, top_p)
        if got["type"] != "Tensor" or got["counts"] is None:
            fail(f"sample_next_token should return a LongTensor of shape (B, 1); for B=8000 rows it returned "
                 f"a {got['type']} of shape {got.get('shape')}.")
        if got["shape"] != [8000, 1]:
            fail(f"sample_next_token should return shape (B, 1) = (8000, 1), but it returned {got['shape']}.")
        logits = got["logits"]
        freq = got["counts"] / got["counts"].sum()
        want = next_token_probs(logits, temperature, top_k, top_p)
        error = float(np.abs(freq - want).max())
        if error <= TOLERANCE and not np.any((want == 0) & (freq > 0)):
            continue
        if freq.max() == 1.0:
            fail(f"With {setting}, all 8000 draws of sample_next_token were the same token: it did not sample. "
                 "With do_sample=True, draw from the probabilities (torch.multinomial(probs, 1, "
                 "generator=generator)).")
        if np.any((want == 0) & (freq > 0)):
            fail(f"With {setting}, sample_next_token drew {int(got['counts'][want == 0].sum())} times a token "
                 "that the top-k / top-p filter removes: removed tokens must have probability 0.")
        if temperature != 1.0 and np.abs(freq - next_token_probs(logits, 1.0, top_k, top_p)).max() <= TOLERANCE:
            fail(f"With {setting}, sample_next_token's frequencies match temperature 1: the temperature was "
                 "not applied (divide the logits by it before the softmax).")
        if np.abs(freq - next_token_probs(logits, 1 / temperature, top_k, top_p)).max() <= TOLERANCE:
            fail(f"With {setting}, sample_next_token's frequencies match logits * T instead of logits / T.")
        if (top_k or top_p < 1.0) and np.abs(freq - softmax(logits / temperature)).max() <= TOLERANCE:
            fail(f"With {setting}, sample_next_token sampled from all tokens: apply the top-k / top-p filter "
                 "(after the temperature) before the softmax.")
        fail(f"With {setting}, sample_next_token's token frequencies over 8000 draws differ from the "
             f"distribution softmax(filtered logits / T) by up to {error:.3f} (tolerance {TOLERANCE}).")


@pytest.mark.points(5)
def test_greedy_and_generator(observe):
    """do_sample=False returns the argmax of each row; draws come from the generator given (same seed, same draws)."""
    got = observe("greedy_and_generator")
    greedy = got["greedy"]
    if got["greedy_type"] != "Tensor":
        fail(f"sample_next_token(do_sample=False) should return a LongTensor, but it returned a "
             f"{got['greedy_type']}.")
    want = got["logits"].argmax(axis=1).reshape(-1, 1)
    if greedy.shape != want.shape:
        fail(f"sample_next_token should return shape (B, 1) = {want.shape}, but it returned {greedy.shape}.")
    if not np.array_equal(greedy, want):
        fail(f"With do_sample=False, sample_next_token should return the argmax of each row (greedy), but it "
             f"returned {describe(greedy)}.")
    if not isinstance(got["first"], np.ndarray) or not np.array_equal(got["first"], got["second"]):
        fail("Two calls of sample_next_token with generators seeded the same way gave different tokens: draw "
             "the random numbers from the generator argument (e.g. torch.multinomial(..., generator=generator)).")


@pytest.mark.points(5)
def test_generate_sampling_distribution(observe):
    """Sampled generate passes temperature, top_k and top_p on: next-token frequencies match over 3000 draws."""
    for temperature, top_k, top_p in ((1.5, 2, 1.0), (1.0, 0, 0.9)):
        got = observe("generate_sampling", temperature=temperature, top_k=top_k, top_p=top_p, seed=0)
        if got["counts"] is None:
            fail(f"generate on 1000 prompts (max_new_tokens=3) should return a (1000, 5) tensor, but it returned "
                 f"a {got['type']} of shape {got.get('shape')}.")
        counts = np.asarray(got["counts"], dtype=np.float64)
        freq = counts / counts.sum()
        want = np.append(next_token_probs(SUCCESSOR_LOGITS, temperature, top_k, top_p), 0.0)
        if np.abs(freq - want).max() > 0.03:
            fail(f"With temperature={temperature:g}, top_k={top_k}, top_p={top_p:g}, generate's sampled tokens do "
                 "not follow the filtered distribution: call sample_next_token (or equivalent) with every "
                 f"sampling argument at each step (observed frequencies {np.round(freq, 3).tolist()}).")
