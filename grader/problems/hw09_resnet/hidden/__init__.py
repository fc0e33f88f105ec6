"""hw09_resnet (第九题): instructor-only checks (never released, never imported by a worker)."""
