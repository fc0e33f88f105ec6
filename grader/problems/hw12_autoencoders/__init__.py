"""hw12_autoencoders (附加题 12, bonus): autoencoder and denoising autoencoder / 自编码器与去噪自编码器."""

from grader.problems.manifest import Problem

PROBLEM = Problem(
    module="hw12_autoencoders",
    zh="自编码器与去噪自编码器",
    en="Autoencoder and denoising autoencoder",
    bonus=True,
    budget_s=5.0,  # measured 4.7–5.2 s on a loaded 2-core machine (about 1–1.6 CPU-s)
    entry_points=("AutoEncoder", "DenoisingAutoEncoder", "train_autoencoder"),
)
