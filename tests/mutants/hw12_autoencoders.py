from tests.mutants import Mutant

P = "hw12_autoencoders"

MUTANTS = [
    # --- the networks --------------------------------------------------------------------
    Mutant(P, "no_sigmoid", old="decoder.append(nn.ReLU() if i < len(hidden) - 1 else nn.Sigmoid())",
           new="if i < len(hidden) - 1:\n                decoder.append(nn.ReLU())",
           why="the decoder ends in a bare linear layer: outputs leave (0, 1)"),
    Mutant(P, "linear_encoder", old="""            encoder.append(nn.Linear(a, b))
            if i < len(hidden) - 1:
                encoder.append(nn.ReLU())""", new="""            encoder.append(nn.Linear(a, b))""",
           why="no ReLU between the encoder's layers (a linear encoder)"),
    Mutant(P, "decoder_not_mirrored", old="mirrored = widths[::-1]", new="mirrored = [hidden[-1], in_features]",
           why="the decoder jumps from the code straight to the output instead of mirroring the encoder"),
    # --- the noise ------------------------------------------------------------------------
    Mutant(P, "noise_at_evaluation", old="""        if self.training:
            x = self.corrupt(x)""", new="""        x = self.corrupt(x)""", why="corrupts the input in eval mode too"),
    Mutant(P, "noise_std_ignored", old="return x + self.noise_std * torch.randn_like(x)",
           new="return x + 0.3 * torch.randn_like(x)", why="always the contract's default noise level"),
    Mutant(P, "uniform_noise", old="return x + self.noise_std * torch.randn_like(x)",
           new="return x + self.noise_std * (torch.rand_like(x) - 0.5)", why="uniform noise of width noise_std"),
    Mutant(P, "corrupt_in_place", old="return x + self.noise_std * torch.randn_like(x)",
           new="return x.add_(self.noise_std * torch.randn_like(x))", why="adds the noise to the caller's tensor"),
    # --- the training loop ------------------------------------------------------------------
    Mutant(P, "loss_against_noisy_input", old="loss = F.mse_loss(model(x), x)",
           new="noisy = model.corrupt(x) if isinstance(model, DenoisingAutoEncoder) else x\n"
               "        loss = F.mse_loss(model.decode(model.encode(noisy)), noisy)",
           why="the DAE reconstructs its noisy input (the target should be the clean one)"),
    Mutant(P, "train_mode_never_set", old="    model.train()\n    losses = []", new="    losses = []",
           why="trains a model handed over in eval mode as it is (a DAE then adds no noise)"),
    Mutant(P, "train_mode_left_on", old="    model.eval()\n    return losses", new="    return losses",
           why="leaves the model in training mode"),
    Mutant(P, "seed_ignored", old="torch.manual_seed(seed)\n    rows = torch.Generator().manual_seed(seed)",
           new="rows = torch.Generator()", why="ignores the seed: batches and noise differ from run to run"),
    Mutant(P, "no_optimizer_step", old="        loss.backward()\n        optimizer.step()\n",
           new="        loss.backward()\n", why="computes gradients but never updates the weights"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "no_sigmoid",
    "noise_at_evaluation",
    "loss_against_noisy_input",
    "train_mode_never_set",
    "no_optimizer_step",
)
