"""grader: an autograder for machine-learning coding exercises.

The student's code runs in a sandboxed worker that only *observes*; hidden
checks judge those observations in the trusted process. See ``engine`` for the
order of the steps and ``docs/authoring.md`` for the exercise contract.
"""

__version__ = "0.1.0"
