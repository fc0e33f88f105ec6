"""pytest's entry to the grader plugin (``pytest grader/``): see grader/plugin/."""

from grader.plugin.hooks import *  # noqa: F401,F403 - pytest finds hooks and fixtures by name
