"""hw05_cifar10_visualization: instructor-only checks (never released, never run in a worker)."""
