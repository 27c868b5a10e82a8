"""Grading a class on a Ray cluster: the same pairs, sandbox, self-check and store as ``batch.grade_many``.

``grader grade DIR --executor ray`` calls :func:`grade_many`, which yields the
same :class:`~grader.batch.Graded` items as the local executor. The pieces:

- ``driver.py``: the pairs, their store keys and the store stay on the driver;
  pairs go to node actors as plain data and come back as
  ``PairResult.to_dict()``; a lost node's pairs are graded elsewhere.
- ``node.py``: one long-lived actor per node owning that node's warm,
  sandboxed :class:`~grader.sandbox.Pool`; it checks itself against the
  driver and runs the self-check before its first pair.
- ``bundle.py``: the course, shipped once per run and cached on each node
  under the hash of its content.
- ``messages.py``: what the driver and a node say to each other.

Ray is an optional extra (``pip install 'grader[ray]'``): importing this
package does not import Ray; :func:`grade_many` does, and says how to install
it when it is missing. See ``docs/distributed.md``.
"""

from .driver import INSTALL_HINT, DistributedError, NodeEvent, grade_many, require_ray

__all__ = ["INSTALL_HINT", "DistributedError", "NodeEvent", "grade_many", "require_ray"]
