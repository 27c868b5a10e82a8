import numpy as np
import pytest

from grader.checking import fail

CHAIN = {"a": ["b", "c"], "b": ["c"], "c": ["a", "d"], "d": []}


@pytest.mark.points(20)
def test_generated_words_follow_the_chain(observe):
    """Every generated word is a successor of the word before it."""
    for seed in range(4):
        words = observe("generate", seed=seed)
        if not words or words[0] != "a":
            fail("The generated list should start with the start word.")
        for a, b in zip(words, words[1:], strict=False):
            if b not in CHAIN.get(a, []):
                fail(f"'{b}' follows '{a}', but it is not one of its successors.")
        if len(words) < 13 and CHAIN.get(words[-1]):
            fail("The text stopped early at a word that has successors.")


@pytest.mark.points(10)
def test_seed_changes_the_text(observe):
    """Different seeds give different texts."""
    if len({tuple(observe("generate", seed=s)) for s in range(4)}) < 2:
        fail("Four different seeds gave the same text: draw from random.Random(seed).")


@pytest.mark.points(20)
def test_cnn_shapes(observe):
    """build_cnn maps (N, 1, 16, 16) images to (N, 4) logits."""
    for n in (2, 5):
        out = observe("forward", n=n)
        if not isinstance(out, np.ndarray) or out.shape != (n, 4):
            fail(f"For {n} images the logits should have shape ({n}, 4).")


@pytest.mark.points(15)
def test_one_step_moves_the_parameters(observe):
    """One train_step changes the parameters and returns a finite loss."""
    got = observe("train", steps=1)
    if not got["moved"] > 0:
        fail("After train_step the parameters had not changed: call backward() and optimizer.step().")
    if not np.isfinite(got["losses"][0]):
        fail("train_step should return the loss as a finite number.")


@pytest.mark.points(30)
def test_training_learns(observe):
    """30 steps of train_step reach 90 % training accuracy on an easy task."""
    got = observe("train", steps=30)
    if got["accuracy"] < 0.9:
        fail(f"After 30 steps the model classified {got['accuracy']:.0%} of the training images right; "
             "at least 90 % was expected (did you zero the gradients every step?).")
