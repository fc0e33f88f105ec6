"""hw06_depthwise_separable: instructor-only checks (never released; nothing here runs in a worker)."""
