"""hw04_catdog_dataset: instructor-only checks (never released, never run in a worker)."""
