"""hw12, worker side: build the submission's autoencoders, train them, measure what they do.

Every function returns plain values (tensors, numbers, flags); the judge decides.
Where a check needs to see what reaches the encoder, a forward pre-hook on the first
``nn.Linear`` (the one that takes ``in_features`` inputs) records it, whatever the
submission's containers and method names.
"""

from __future__ import annotations

import contextlib
import types
from typing import Iterator

import torch
import torch._dynamo  # noqa: F401 - Optimizer.add_param_group imports it on first use: load it in the zygote
from torch import nn


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Tiny networks train faster on one thread, and their CPU time does not grow with the load."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def build(module: types.ModuleType, kind: str, config: dict, device: str = "cpu") -> nn.Module:
    """``module.AutoEncoder`` or ``module.DenoisingAutoEncoder`` from ``config`` (seeded init)."""
    torch.manual_seed(config.get("init_seed", 0))
    args = {"in_features": config["in_features"], "hidden": tuple(config["hidden"])}
    if kind == "DenoisingAutoEncoder":
        args["noise_std"] = config["noise_std"]
    return getattr(module, kind)(**args).to(device)


def input_layers(model: nn.Module, in_features: int) -> list[nn.Linear]:
    return [m for m in model.modules() if isinstance(m, nn.Linear) and m.in_features == in_features]


@contextlib.contextmanager
def watch_encoder_input(model: nn.Module, in_features: int, keep: bool = True) -> Iterator[list]:
    """Record ``(training flag, input or None)`` of every call of the layers that read the input."""
    seen: list = []

    def record(layer: nn.Module, args: tuple) -> None:
        seen.append((layer.training, args[0].detach().clone() if keep else None))

    handles = [layer.register_forward_pre_hook(record) for layer in input_layers(model, in_features)]
    try:
        yield seen
    finally:
        for handle in handles:
            handle.remove()


def describe(module: types.ModuleType, cases: list[dict], device: str = "cpu") -> list[dict]:
    """Per case (a config, a kind, an input ``x``, codes ``z``): shapes, values, structure."""
    out = []
    for case in cases:
        model = build(module, case["kind"], case, device).eval()
        x, z = case["x"].to(device), case["z"].to(device)
        with torch.no_grad():
            code, decoded, forward = model.encode(x), model.decode(z), model(x)
        out.append({"code": code.cpu(), "decoded": decoded.cpu(), "forward": forward.cpu(),
                    "n_params": sum(p.numel() for p in model.parameters()),
                    "linear": sorted((m.in_features, m.out_features) for m in model.modules()
                                     if isinstance(m, nn.Linear)),
                    "subclass": issubclass(module.DenoisingAutoEncoder, module.AutoEncoder)})
    return out


def corrupt_samples(module: types.ModuleType, config: dict, x: torch.Tensor, device: str = "cpu") -> dict:
    """Two calls of ``corrupt(x)``, and ``x`` as it is afterwards."""
    model = build(module, "DenoisingAutoEncoder", config, device)
    x = x.to(device)
    first, second = model.corrupt(x), model.corrupt(x)
    return {"first": first.detach().cpu(), "second": second.detach().cpu(), "x_after": x.cpu()}


def encoder_inputs(module: types.ModuleType, config: dict, x: torch.Tensor, device: str = "cpu") -> dict:
    """What the first layer receives from ``forward(x)``: the DAE in training and in eval mode
    (twice each), the AE in training mode; and the DAE's two eval outputs."""
    x = x.to(device)
    result: dict = {}
    for kind, mode in (("DenoisingAutoEncoder", "train"), ("DenoisingAutoEncoder", "eval"),
                       ("AutoEncoder", "train")):
        model = build(module, kind, config, device)
        model.train(mode == "train")
        with watch_encoder_input(model, config["in_features"]) as seen, torch.no_grad():
            outputs = [model(x).cpu(), model(x).cpu()]
        result[f"{kind}/{mode}"] = {"inputs": [t.cpu() for _, t in seen], "outputs": outputs}
    return result


def train_and_denoise(module: types.ModuleType, kind: str, config: dict, data: torch.Tensor,
                      noisy: torch.Tensor, device: str = "cpu") -> dict:
    """Train a fresh ``kind`` (handed over in eval mode) with ``train_autoencoder``; report its
    losses, the mode its layers ran in while training, the mode it was left in, and its
    reconstructions (in eval mode) of ``noisy``, inputs it never saw."""
    with one_thread():
        model = build(module, kind, config, device).eval()
        with watch_encoder_input(model, config["in_features"], keep=False) as seen:
            losses = module.train_autoencoder(model, data.to(device), steps=config["steps"], lr=config["lr"],
                                              batch=config["batch"], seed=config["train_seed"])
        left_training = model.training
        model.eval()
        with torch.no_grad():
            reconstruction = model(noisy.to(device)).cpu()
    return {"losses": losses, "modes": [flag for flag, _ in seen], "left_training": left_training,
            "reconstruction": reconstruction}


def repeat_training(module: types.ModuleType, config: dict, data: torch.Tensor, seeds: list[int],
                    device: str = "cpu") -> list:
    """A few steps of ``train_autoencoder`` from the same initial DAE, once per seed."""
    with one_thread():
        return [module.train_autoencoder(build(module, "DenoisingAutoEncoder", config, device), data.to(device),
                                         steps=config["steps"], lr=config["lr"], batch=config["batch"], seed=seed)
                for seed in seeds]


def linear_layers(module: types.ModuleType, config: dict, kind: str, x: torch.Tensor, device: str = "cpu") -> dict:
    """The weights of every ``nn.Linear`` and what ``encode``/``forward`` give on ``x`` (eval mode)."""
    model = build(module, kind, config, device).eval()
    x = x.to(device)
    with torch.no_grad():
        code, forward = model.encode(x).cpu(), model(x).cpu()
    layers = [(m.weight.detach().cpu(), None if m.bias is None else m.bias.detach().cpu())
              for m in model.modules() if isinstance(m, nn.Linear)]
    return {"layers": layers, "code": code, "forward": forward}
