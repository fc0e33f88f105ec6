"""hw01_initialization: instructor-only checks (never released; nothing here runs in a worker)."""
