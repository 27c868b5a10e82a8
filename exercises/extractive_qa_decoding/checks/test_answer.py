"""Hidden checks: answer_question cuts the answer out of the context, offline, with the model it is given.

Evidence for the known bugs comes from what the probe watched while the
student's code ran: every ``transformers.pipeline`` task (the task
"question-answering" raises KeyError in transformers 5, with or without a
model) and every ``from_pretrained`` of a hub id (refused as offline).
"""

import math
import re

import pytest

from grader.checking import describe, fail, raised

ANSWER_CASES = ("paris", "paris_short", "gustave", "seine")


def _expect_answer_dict(got):
    if got["kind"] != "dict":
        fail(f"answer_question should return a dict with keys answer, start, end and score, but it returned a "
             f"{got['kind']}.")
    missing = {"answer", "start", "end", "score"} - set(got["keys"])
    if missing:
        fail(f"answer_question's dict lacks the key(s) {sorted(missing)}; it had {got['keys']}.")
    for key in ("start", "end"):
        if not isinstance(got[key], int) or isinstance(got[key], bool):
            fail(f"answer_question's '{key}' should be a character offset (int), but it was {describe(got[key])}.")
    if not isinstance(got["score"], float):
        fail(f"answer_question's 'score' should be a float, but it was {describe(got['score'])}.")


@pytest.mark.points(15)
def test_answer_cut_from_context(observe, expected):
    """The answer is context[start:end], found through the offsets of the best span of context tokens."""
    for case in ANSWER_CASES:
        got, want = observe("answer", case=case), expected("answer", case=case)
        _expect_answer_dict(got)
        context = got["context"]
        answer, start, end = got["answer"], got["start"], got["end"]
        if not isinstance(answer, str):
            fail(f"answer_question's 'answer' should be a str, but it was {answer}.")
        if answer == want["answer"] and (start, end) == (want["start"], want["end"]):
            if not math.isclose(got["score"], want["score"], rel_tol=1e-3, abs_tol=1e-9):
                fail(f"answer_question found the right answer, but its score {got['score']:.4g} is not "
                     f"p_start * p_end of that span (softmax over the context tokens): {want['score']:.4g}.")
            continue
        if answer != want["answer"] and _pieces(answer) == _pieces(want["answer"]):
            fail(f"answer_question returned {describe(answer)}: the right tokens, but not the context's own "
                 "text (decoding tokens lower-cases and re-spaces them). Cut the answer out of the original "
                 "context with the offset mapping (return_offsets_mapping=True).")
        if not (0 <= start <= end <= len(context)) or context[start:end] != answer:
            fail(f"answer_question returned answer {describe(answer)} with start {start} and end {end}, but "
                 "that is not context[start:end]: 'start' and 'end' are character offsets into the context, "
                 "end exclusive.")
        fail(f"For a model whose best span of context tokens is known, answer_question returned "
             f"{describe(answer)} (characters {start}..{end}), which is not that span: tokenise "
             "(question, context) as a pair, keep only context tokens, take best_span (with max_answer_len) "
             "and map it to characters with the offsets.")


def _pieces(text):
    """Lower-cased words and punctuation marks, as BERT's basic tokenizer splits them."""
    return re.findall(r"\w+|[^\w\s]", text.lower())


@pytest.mark.points(5)
@pytest.mark.bug("qa-pipeline-removed-v5")
def test_answer_without_pipeline(observe):
    """answer_question runs without the question-answering pipeline, which transformers 5 removed."""
    removed = ("answer_question uses transformers.pipeline(\"question-answering\"), a task that transformers 5 "
               "removed (it raises KeyError, even with a local model): decode the model's start/end logits "
               "yourself.")
    for seed in (0, 1):
        error = observe.error("offline", seed=seed)
        if raised(error, "ImportError", "QuestionAnsweringPipeline"):
            fail("Your file imports QuestionAnsweringPipeline, which transformers 5 no longer has: decode the "
                 "model's start/end logits yourself.", bug="qa-pipeline-removed-v5")
        got = observe("offline", seed=seed)  # any other error of the import: fails, naming no bug
        said = got["raised"] or ""
        if got["pipeline_calls"] or ("question-answering" in said and "removed" in said):
            fail(removed, bug="qa-pipeline-removed-v5")
        if said:
            fail(f"With a tiny BERT model and tokenizer, offline, answer_question raised {said}.")


@pytest.mark.points(10)
@pytest.mark.bug("unpinned-default-model")
def test_answer_uses_given_model_offline(observe, expected):
    """answer_question answers offline with the model and tokenizer it is given (no hub download)."""
    for seed in (0, 1):
        got = observe("offline", seed=seed)
        no_model = [c for c in got["pipeline_calls"] if not c["model_given"]]
        if no_model:
            fail("answer_question calls transformers.pipeline without a model, so the library picks a default "
                 "checkpoint from the hub (a download of an unpinned model): use the model you are given.",
                 bug="unpinned-default-model")
        if got["hub_loads"]:
            fail(f"answer_question tried to download {got['hub_loads'][0]} from the hub instead of using the model "
                 "and tokenizer it is given (the grader is offline).", bug="unpinned-default-model")
        if got["raised"]:
            fail(f"With a tiny BERT model and tokenizer, offline, answer_question raised {got['raised']}.")
        _expect_answer_dict(got)
        want = expected("offline", seed=seed)
        same_span = (got["start"], got["end"]) == (want["start"], want["end"])
        if same_span and got["answer"] != want["answer"]:
            fail(f"With a real (tiny) BERT model, answer_question found the right character span but returned "
                 f"the answer {describe(got['answer'])}: the answer must be context[start:end].")
        if not same_span or not math.isclose(got["score"], want["score"], rel_tol=1e-3, abs_tol=1e-9):
            fail(f"With a real (tiny, untrained) BERT model, answer_question returned {describe(got['answer'])} "
                 f"with score {got['score']:.4g}, which is not the best span of that model's output on the "
                 "tokenizer's full encoding of the (question, context) pair: pass the model all of input_ids, "
                 "token_type_ids and attention_mask, and take best_span over the context tokens.")
