"""Probes (run in the sandboxed worker, next to the student's code): call it, return plain data.

They hold no expected value and judge nothing: the checks do that, in the trusted process.
``array``, ``type_name`` and friends (grader.probing) turn whatever the code returned into plain data, or
into a marker that names its type, which checks recognise with ``wrong_type``.
"""

from grader.probing import array, probe, type_name

SCORES = {
    "small": [1.0, 2.0, 3.0],
    "negative": [-2.0, 0.0, 5.5, -1.0],
    "single": [4.2],
    "large": [1000.0, 1001.0, 999.0],
}


@probe("softmax", cases=[{"case": name} for name in SCORES])
def softmax(student, case):
    """The student's softmax of one list of scores, as a float64 array."""
    return array(student.softmax(list(SCORES[case])), dtype="float64")


@probe("readme")
def readme(student):
    """The statement's example: softmax([0.0, 0.0])."""
    return array(student.softmax([0.0, 0.0]), dtype="float64")


@probe("empty")
def empty(student):
    """softmax([]) should raise ValueError: what it raised, or the type of what it returned."""
    try:
        returned = student.softmax([])
    except Exception as error:  # raising is the behaviour observed here
        return {"raised": type_name(error)}
    return {"returned": type_name(returned)}
