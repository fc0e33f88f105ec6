"""A correct hw11 written the textbook way: explicit m̂ and v̂, state rebuilt each step,
updates through ``p.data`` without ``torch.no_grad``, nesterov checked in a helper,
compare_optimizers in float32 with the gradient written by hand.
It must get full marks (fairness: the grader may not depend on torch's exact formulas)."""

import torch
from torch.optim import Optimizer


def _check_nesterov(nesterov, momentum, dampening):
    if nesterov and not (momentum > 0 and dampening == 0):
        raise ValueError("nesterov needs momentum > 0 and dampening == 0")


class SGD(Optimizer):
    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        _check_nesterov(nesterov, momentum, dampening)
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            mu, tau, lam = group["momentum"], group["dampening"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad.data + lam * p.data
                if mu:
                    state = self.state[p]
                    if "velocity" in state:
                        state["velocity"] = mu * state["velocity"] + (1 - tau) * g
                    else:
                        state["velocity"] = g.clone()
                    g = g + mu * state["velocity"] if group["nesterov"] else state["velocity"]
                p.data = p.data - group["lr"] * g
        return loss


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay})

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad.data + group["weight_decay"] * p.data
                state = self.state[p]
                t = state.get("t", 0) + 1
                m = b1 * state.get("m", torch.zeros_like(p.data)) + (1 - b1) * g
                v = b2 * state.get("v", torch.zeros_like(p.data)) + (1 - b2) * g * g
                state.update(t=t, m=m, v=v)
                m_hat = m / (1 - b1 ** t)
                v_hat = v / (1 - b2 ** t)
                p.data = p.data - group["lr"] * m_hat / (torch.sqrt(v_hat) + group["eps"])
        return loss


def compare_optimizers(steps=200, lr_sgd=0.01, lr_adam=0.1, seed=0):
    s = torch.tensor([100.0, 1.0])
    out = {}
    for key, cls, lr in (("sgd", SGD, lr_sgd), ("adam", Adam, lr_adam)):
        w = torch.nn.Parameter(torch.tensor([1.0, 1.0]))
        opt = cls([w], lr=lr)
        curve = []
        for _ in range(steps):
            curve.append(float(0.5 * (s * w.data ** 2).sum()))
            w.grad = s * w.data
            opt.step()
        out[key] = curve
    return out
