"""Grading many submissions: one judge each, forked from a preloaded pool.

``python -m grader`` (``grader/tools/grade.py``) is the controller. It never
imports torch and never grades anything itself:

- ``pool``: a process that imports what a judge needs once (torch, pytest, the
  plugin, the worker-side modules) and forks one *keeper* per submission; the
  keeper forks the *judge* (``pytest.main`` in-process), then ends everything the
  judge left behind.
- ``judge``: the controller's side of one judge: its command line, its minimal
  environment, its verdict read from a pipe.
- ``runner``: N judges at a time, timeouts, Ctrl-C, progress (``progress``).
- ``records``: one results file per submission, the grader's version, resume.
- ``roster``: student repositories (clone, snapshot, the commit to grade).
- ``shards``: deterministic slices of a class and ``python -m grader merge``.
- ``gradebook``, ``feedback``, ``similarity``: what the instructor gets.
"""
