"""hw08_alexnet_vgg (第八题): instructor-only checks (never released, never imported by a worker)."""
