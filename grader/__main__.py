"""``python -m grader [VERB]``: see grader/tools/cli.py (``python -m grader --help``)."""

from grader.tools.cli import main

# Guarded: the worker fork server re-imports the main module as "__mp_main__".
if __name__ == "__main__":
    raise SystemExit(main())
