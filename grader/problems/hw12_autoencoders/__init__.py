"""hw12_autoencoders (附加题 12, bonus): autoencoder and denoising autoencoder / 自编码器与去噪自编码器."""

from grader.problems.manifest import Problem

PROBLEM = Problem(
    module="hw12_autoencoders",
    zh="自编码器与去噪自编码器",
    en="Autoencoder and denoising autoencoder",
    bonus=True,
    budget_s=2.0,
    entry_points=("AutoEncoder", "DenoisingAutoEncoder", "train_autoencoder"),
)
