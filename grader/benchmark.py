"""``python -m grader.benchmark``: see grader/tools/benchmark.py."""

from grader.tools.benchmark import main

if __name__ == "__main__":
    raise SystemExit(main())
