"""hw07_conv_vs_fc: instructor-only checks (never released; nothing here runs in a worker)."""
