"""hw10_lstm: instructor-only checks (never released, never imported by a worker)."""
