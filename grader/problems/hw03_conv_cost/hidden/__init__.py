"""hw03_conv_cost: instructor-only checks (never released; nothing here runs in a worker)."""
