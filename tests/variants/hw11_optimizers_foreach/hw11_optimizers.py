"""A correct hw11 written group-at-a-time with torch's _foreach_ operators, extra options
with harmless defaults (``maximize``), the step count as a tensor, and compare_optimizers
through closures. It must get full marks."""

from __future__ import annotations

import math

import torch
from torch import optim


class SGD(optim.Optimizer):
    def __init__(self, params, lr: float, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, *, maximize: bool = False):
        if nesterov and (momentum <= 0.0 or dampening != 0.0):
            raise ValueError("Nesterov momentum requires a positive momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            grads = [(-p.grad if group["maximize"] else p.grad) for p in params]
            if group["weight_decay"]:
                grads = torch._foreach_add(grads, params, alpha=group["weight_decay"])
            if group["momentum"]:
                bufs = []
                for p, g in zip(params, grads):
                    buf = self.state[p].get("buf")
                    if buf is None:
                        buf = self.state[p]["buf"] = g.detach().clone()
                    else:
                        buf.mul_(group["momentum"]).add_(g, alpha=1.0 - group["dampening"])
                    bufs.append(buf)
                if group["nesterov"]:
                    grads = torch._foreach_add(grads, bufs, alpha=group["momentum"])
                else:
                    grads = bufs
            torch._foreach_add_(params, grads, alpha=-group["lr"])
        return loss


class Adam(optim.Optimizer):
    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            params = [p for p in group["params"] if p.grad is not None]
            for p in params:
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                grad = -p.grad if group["maximize"] else p.grad
                grad = grad + group["weight_decay"] * p
                state["exp_avg"].mul_(beta1).add_(grad, alpha=1 - beta1)
                state["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                t = int(state["step"].item())
                step_size = group["lr"] * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
                eps_hat = group["eps"] * math.sqrt(1 - beta2 ** t)
                # the same update with ε moved inside the bias correction: p − lr·m̂/(√v̂ + ε)
                p.addcdiv_(state["exp_avg"], state["exp_avg_sq"].sqrt().add_(eps_hat), value=-step_size)
        return loss


def _loss(w: torch.Tensor) -> torch.Tensor:
    return 50.0 * w[0] ** 2 + 0.5 * w[1] ** 2


def compare_optimizers(steps: int = 200, lr_sgd: float = 0.01, lr_adam: float = 0.1,
                       seed: int = 0) -> dict[str, list[float]]:
    torch.manual_seed(seed)
    result: dict[str, list[float]] = {}
    for name, factory in {"sgd": lambda ps: SGD(ps, lr_sgd), "adam": lambda ps: Adam(ps, lr=lr_adam)}.items():
        w = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
        opt = factory([w])

        def closure():
            opt.zero_grad()
            value = _loss(w)
            value.backward()
            return value

        result[name] = [float(opt.step(closure)) for _ in range(steps)]
    return result
