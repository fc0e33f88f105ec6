"""hw02_receptive_field: instructor-only checks (never released; nothing here runs in a worker)."""
