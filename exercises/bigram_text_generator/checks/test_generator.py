"""Hidden checks for bigram_text_generator.

Sampling is random, and a correct submission may draw with ``random.choices``,
cumulative weights, a list with repeated words or anything else: texts are
compared word for word only where the corpus leaves a single choice; elsewhere
the checks judge properties (every transition seen in the corpus, successor
frequencies over thousands of draws, same seed same text).

A known bug is named only on its symptom: ``no-separator`` when a "word" of the
text is several corpus words glued together; ``ignores-context`` when most
transitions between corpus words in the text never occur in the corpus (a
word drawn without regard to the previous one). A wrong word count, a missing
prompt or a single wrong transition fails without naming a bug.
"""

import pytest

from grader.checking import describe, fail

# Weights of the branching word of each model of the "frequency" probe.
FREQUENCIES = {
    "three_to_one": ("start", {"heads": 3, "tails": 1}),
    "one_two_five": ("hub", {"x": 1, "y": 2, "z": 5}),
}
FREQUENCY_TOLERANCE = 0.05
# Independent draws make a text whose ~10 draws after the branching word are all the same successor rare
# (3:1 counts: 0.75**10 + 0.25**10 = 5.6% of texts; 1:2:5: 0.9%); a generator re-created from the seed
# before every draw repeats one successor throughout every text (100%).
MONOTONOUS_TEXTS = 0.5
FOX_WORDS = set("the quick brown fox jumps over the lazy dog".split())  # corpus of the "separated" probe
COLOURS = "red orange yellow green blue indigo violet".split()  # corpus of the "forced" probe, read in a loop
COLOUR_PAIRS = set(zip(COLOURS, COLOURS[1:] + COLOURS[:1], strict=True))


def _words(out, call):
    """The words of a returned text; fail if it is not a string."""
    if not isinstance(out, str):
        fail(f"{call} should return a str, but it returned a {out['not_a_string']}.")
    return out.split()


def _plural(n, noun):
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _split(word, vocabulary):
    """``word`` as a sequence of ``vocabulary`` words written without spaces (the first split found), or None."""
    ways = {0: []}  # prefix length -> a split of that prefix into vocabulary words
    for end in range(1, len(word) + 1):
        start = next((i for i in ways if word[i:end] in vocabulary), None)
        if start is not None:
            ways[end] = [*ways[start], word[start:end]]
    return ways.get(len(word))


def _glued(word, vocabulary):
    """Whether ``word`` is two or more words of ``vocabulary`` written without a space between them."""
    return word not in vocabulary and _split(word, vocabulary) is not None


def _unglued(words, vocabulary):
    """The words, each glued run of vocabulary words split back into its words."""
    return [part for word in words for part in (_split(word, vocabulary) or [word])]


def _context_ignored(words, start, pairs, vocabulary):
    """Whether most generated transitions between corpus words (from word ``start`` on) are not corpus pairs.

    A generator that ignores the previous word makes most of its pairs up; one that slips once (e.g.
    continues from the wrong word of the prompt) does not. Needs at least 5 such transitions.
    """
    steps = [(a, b) for a, b in zip(words[start:], words[start + 1:], strict=False)
             if a in vocabulary and b in vocabulary]
    bad = sum(pair not in pairs for pair in steps)
    return len(steps) >= 5 and 2 * bad >= len(steps)


def _one_successor_throughout(words, word):
    """Whether every successor of ``word`` in ``words`` (at least 5 of them) is the same word."""
    following = [b for a, b in zip(words, words[1:], strict=False) if a == word]
    return len(following) >= 5 and len(set(following)) == 1


def _nonempty(model):
    """A model without words that have no successors (both forms are allowed)."""
    return {word: successors for word, successors in model.items() if successors}


@pytest.mark.points(10)
def test_build_counts_successors(observe, expected):
    """build_bigram_model counts how often each word directly follows each other word."""
    for corpus in ("repeats", "fox", "single", "empty"):
        got = observe("build", corpus=corpus)
        if got["type"] != "mapping":
            fail(f"build_bigram_model should return a dict {{word: {{next word: count}}}}, "
                 f"but it returned a {got['type']}.")
        model = got["model"]
        for successors in model.values():
            if "__type__" in successors:
                fail(f"build_bigram_model should map each word to a dict {{next word: count}}, "
                     f"but a word was mapped to a {successors['__type__']}.")
            for count in successors.values():
                if isinstance(count, str):
                    fail(f"The successor counts should be numbers, but one was a {count}.")
        fractions = [n for successors in model.values() for n in successors.values() if n != int(n)]
        if fractions:
            fail("model[w][v] should count how many times v comes right after w (a whole number), but your "
                 f"model holds fractional values such as {fractions[0]:.3g}: keep the counts, not probabilities.")
        want = _nonempty(expected("build", corpus=corpus)["model"])
        model = _nonempty(model)
        if corpus in ("single", "empty") and model:
            fail("A corpus of zero or one word has no pairs of neighbouring words, so every word should "
                 f"have no successors; your model recorded {sum(map(len, model.values()))} successors.")
        wrong = sorted(w for w in set(want) | set(model) if model.get(w, {}) != want.get(w, {}))
        if wrong:
            got_total = sum(model.get(wrong[0], {}).values())
            want_total = sum(want.get(wrong[0], {}).values())
            fail(f"For a corpus of a few words, {len(wrong)} word(s) have wrong successor counts: e.g. "
                 f"one word is followed {want_total:g} time(s) in the corpus, but your model records "
                 f"{got_total:g} successor(s) for it. model[w][v] must count how often v comes right "
                 "after w.")


@pytest.mark.points(15)
@pytest.mark.bug("no-separator")
def test_words_are_separated(observe):
    """The text is the prompt's words plus `length` generated words, joined by single spaces."""
    for length, seed in ((10, 0), (25, 3)):
        out = observe("separated", length=length, seed=seed)
        words = _words(out, "generate_text")
        want = 2 + length
        if len(words) != want:
            if any(_glued(word, FOX_WORDS) for word in words):
                fail(f"Continuing a 2-word prompt with length={length} on a corpus without dead ends should "
                     f"give {want} words, but splitting your text on whitespace gives {len(words)}: some of "
                     "its 'words' are several words of the corpus glued together without spaces.",
                     bug="no-separator")
            hint = ""
            if any(word not in FOX_WORDS for word in words):
                hint = " Some of its 'words' are not words of the corpus."
            elif words[:2] != ["quick", "brown"] and len(words) == length:
                hint = " The returned text should include the prompt's words, followed by the generated ones."
            else:
                hint = (f" Your text has {len(words) - 2} words after the prompt, where length={length} asks for "
                        f"exactly {length} (the prompt's words are not counted).")
            fail(f"Continuing a 2-word prompt with length={length} on a corpus without dead ends should "
                 f"give {want} words, but splitting your text on whitespace gives {len(words)}.{hint}")
        if out != " ".join(words):
            fail("The words should be joined by single spaces, with no leading or trailing whitespace, "
                 f"but your text was {describe(out)}.")
        if words[:2] != ["quick", "brown"]:
            fail("The returned text should start with the words of the prompt, but it does not.")


@pytest.mark.points(20)
@pytest.mark.bug("ignores-context")
def test_single_successor_is_followed(observe, expected):
    """Where every word has exactly one successor, the text follows the corpus word for word."""
    for prompt_words, length in ((1, 15), (2, 9)):
        prompt = "yellow" if prompt_words == 1 else "blue red"
        out = observe("forced", prompt=prompt, length=length)
        words = _words(out, "generate_text")
        want = expected("forced", prompt=prompt, length=length).split()
        if words[:prompt_words] != want[:prompt_words]:
            fail("The returned text should be the prompt's words followed by the generated words, all "
                 "separated by spaces, but it does not start with the prompt's words.")
        if words == want:
            continue
        pairs = enumerate(zip(words, want, strict=False))
        diverge = next((i for i, (a, b) in pairs if a != b), min(len(words), len(want)))
        n = diverge - prompt_words + 1
        message = (f"In a corpus where each word is always followed by the same word, the continuation of a "
                   f"{prompt_words}-word prompt is fully determined by its last word, but your text departs "
                   f"from the corpus at generated word {n} (it has {len(words)} words, {len(want)} expected).")
        if _context_ignored(words, prompt_words - 1, COLOUR_PAIRS, set(COLOURS)):
            fail(f"{message} Most of its word pairs never occur in the corpus: each next word must be drawn "
                 "from the successors of the previous word.", bug="ignores-context")
        if diverge >= min(len(words), len(want)):
            amount = "few" if len(words) < len(want) else "many"
            fail(f"{message} Its words follow the corpus, but there are too {amount}: {len(words) - prompt_words} "
                 f"words follow the prompt, where length={length} asks for exactly {length} (the prompt's words "
                 "are not counted).")
        fail(f"{message} Each next word must be drawn from the successors of the previous word.")


@pytest.mark.points(15)
@pytest.mark.bug("ignores-context")
def test_transitions_seen_in_corpus(observe, expected):
    """Every pair of neighbouring words in the text is a pair seen in the corpus."""
    for seed in (0, 1, 2):
        reference = expected("sparse", seed=seed)
        corpus, length = reference["corpus"], reference["length"]
        # the probe's model reads the corpus in a loop: the last word is followed by the first
        pairs = set(zip(corpus, corpus[1:] + corpus[:1], strict=True))
        words = _words(observe("sparse", seed=seed)["text"], "generate_text")
        advice = ("Each next word must be drawn from the words that followed the previous word in the corpus, "
                  "i.e. from model[last word].")
        # The corpus words (w00 ... w19) have one length, so glued words split back unambiguously: a text
        # that also lacks spaces still shows whether each word follows the previous one.
        drawn = _unglued(words, set(corpus))
        if _context_ignored(drawn, 0, pairs, set(corpus)):
            bad = sum((a, b) not in pairs for a, b in zip(drawn, drawn[1:], strict=False))
            glued = ", reading its glued words one by one," if drawn != words else ""
            fail(f"{bad} of the {len(drawn) - 1} transitions in your text{glued} (a word followed by the next "
                 f"one) never occur in the corpus. {advice}", bug="ignores-context")
        if len(words) != 1 + length:
            fail(f"Continuing a 1-word prompt with length={length} on a corpus without dead ends should "
                 f"give {1 + length} words, but splitting your text on whitespace gives {len(words)}.")
        bad = sum((a, b) not in pairs for a, b in zip(words, words[1:], strict=False))
        if bad:
            fail(f"{bad} of the {length} transitions in your text (a word followed by the next one) never occur "
                 f"in the corpus. {advice}")


@pytest.mark.points(15)
def test_successor_frequencies(observe):
    """Successors are drawn in proportion to their counts, independently (about 4,000 draws over 400 seeds)."""
    for name, (word, counts) in FREQUENCIES.items():
        texts = observe("frequency", model=name)
        following = []
        for text in texts:
            words = _words(text, "generate_text")
            following += [b for a, b in zip(words, words[1:], strict=False) if a == word]
        if len(following) < 3000:
            fail(f"400 texts of 20 words on a model without dead ends should draw a successor of its "
                 f"branching word about 4000 times, but your texts drew only {len(following)}.")
        total = sum(counts.values())
        seen = {v: following.count(v) / len(following) for v in counts}
        off = [v for v in counts if abs(seen[v] - counts[v] / total) > FREQUENCY_TOLERANCE]
        counted = ":".join(str(c) for c in counts.values())
        if off or sum(seen.values()) < 0.999:
            want = ", ".join(f"{100 * c / total:.1f}%" for c in counts.values())
            got = ", ".join(f"{100 * seen[v]:.1f}%" for v in counts)
            fail(f"A word whose successors were counted {counted} should be followed by them about "
                 f"{want} of the time, but in your text they came {got}. Draw each next word with "
                 "probability proportional to its count (e.g. random.choices with weights).")
        monotonous = sum(_one_successor_throughout(_words(text, "generate_text"), word) for text in texts)
        if monotonous > MONOTONOUS_TEXTS * len(texts):
            fail(f"In {monotonous} of your {len(texts)} texts, every one of the ~10 draws after a word whose "
                 f"successors were counted {counted} picked the same successor: the draws within one text "
                 "are not independent. Create the random generator once per call (rng = random.Random(seed)) "
                 "and draw every word from it, rather than re-creating it from the seed for each word.")


@pytest.mark.points(10)
def test_seed_reproducible_and_private(observe):
    """The same seed gives the same text, other seeds differ; the global random state and the model are untouched."""
    got = observe("reproducible")
    texts = [got["first"], got["again"], *got["by_seed"]]
    for text in texts:
        _words(text, "generate_text")
    if got["model_changed"]:
        fail("generate_text changed the model it was given (its words or counts), so the next call draws "
             "from a different model: read the model, never modify it.")
    if got["first"] != got["again"]:
        fail("Two calls with the same seed gave different texts: build the generator from the seed, "
             "e.g. rng = random.Random(seed), and draw every word from it.")
    if len(set(got["by_seed"])) < 2:
        fail("Ten different seeds all gave the same 30-word text: the seed should decide the draws.")
    if got["global_state_before"] != got["global_state_after"]:
        fail("generate_text changed the state of the global random module (random.seed or module-level "
             "random calls). Use a private random.Random(seed) so that the caller's random state is "
             "untouched.")


DEAD_END_MESSAGES = {
    "unknown_last_word": "When the prompt's last word is not in the model, nothing can follow it: "
                         "generate_text should return the prompt's words unchanged",
    "chain_runs_out": "When the last word has no successors (it is not a key of the model), generation "
                      "should stop early and return the words so far",
    "empty_successors": "When the last word maps to an empty dict of successors, generation should stop "
                        "early and return the words so far",
    "length_zero": "With length=0, generate_text should return the prompt's words unchanged",
}


@pytest.mark.points(5)
def test_dead_ends_stop_early(observe, expected):
    """A word without successors stops the text early; length=0 returns the prompt."""
    for situation, message in DEAD_END_MESSAGES.items():
        out = observe("dead_end", situation=situation)
        words = _words(out, "generate_text")
        want = expected("dead_end", situation=situation)
        if out == want:
            continue
        n_want = len(want.split())
        if words == want.split():
            fail(f"{message}, and your text has the right words, but they should be joined by single spaces, "
                 f"with no leading or trailing whitespace: your text was {describe(out)}.")
        if len(words) != n_want:
            fail(f"{message}, but your text has {_plural(len(words), 'word')} instead of {n_want}.")
        fail(f"{message}, but your text is different.")


@pytest.mark.points(5)
def test_empty_prompt_raises(observe):
    """An empty prompt raises ValueError."""
    got = observe("empty_prompt")
    if got["raised"] is None:
        fail(f"generate_text with an empty prompt should raise ValueError (there is no last word to continue "
             f"from), but it returned {describe(got['returned'])}.")
    if not got["is_value_error"]:
        fail(f"generate_text with an empty prompt should raise ValueError, but it raised {got['raised']}.")
