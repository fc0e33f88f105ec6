from pathlib import Path

from tests.mutants import Mutant

P = "hw11_optimizers"

_ADAM_HEAD = """        for group in self.param_groups:
            beta1, beta2 = group["betas"]"""

_ADAM_STEP = """                state["step"] += 1
                exp_avg, exp_avg_sq, step = state["exp_avg"], state["exp_avg_sq"], state["step"]"""


def _adam_block(head: str, step: str) -> str:
    """Adam.step from its group loop to the step count, with ``head`` and ``step`` in place."""
    text = Path(__file__).resolve().parents[2].joinpath("solutions", f"{P}.py").read_text(encoding="utf-8")
    block = text[text.index(_ADAM_HEAD):text.index(_ADAM_STEP) + len(_ADAM_STEP)]
    return block.replace(_ADAM_HEAD, head).replace(_ADAM_STEP, step)


MUTANTS = [
    # --- SGD ----------------------------------------------------------------------------
    Mutant(P, "sgd_momentum_after_update", old="buf.mul_(momentum).add_(d_p, alpha=1 - dampening)",
           new="p.add_(buf, alpha=-lr)\n                        buf.mul_(momentum).add_(d_p, alpha=1 - dampening)\n"
               "                        continue",
           why="steps with the old buffer, then folds the new gradient into it (momentum applied after the update)"),
    Mutant(P, "sgd_dampening_ignored", old="buf.mul_(momentum).add_(d_p, alpha=1 - dampening)",
           new="buf.mul_(momentum).add_(d_p)", why="b = μ·b + g whatever the dampening"),
    Mutant(P, "sgd_buffer_starts_at_zero", old="buf = torch.clone(d_p).detach()",
           new="buf = torch.zeros_like(d_p).mul_(momentum).add_(d_p, alpha=1 - dampening)",
           why="the buffer starts from zeros, so the first step is damped (torch starts it at the gradient)"),
    Mutant(P, "sgd_nesterov_ignored", old="d_p = d_p.add(buf, alpha=momentum) if nesterov else buf",
           new="d_p = buf", why="accepts nesterov=True but takes a plain momentum step"),
    Mutant(P, "sgd_nesterov_uses_buffer_twice", old="d_p = d_p.add(buf, alpha=momentum) if nesterov else buf",
           new="d_p = buf.add(buf, alpha=momentum) if nesterov else buf",
           why="Nesterov's look-ahead as b + μ·b instead of g + μ·b"),
    Mutant(P, "sgd_weight_decay_after_momentum", old="""                if weight_decay != 0:
                    d_p = d_p.add(p, alpha=weight_decay)
                if momentum != 0:""", new="""                if weight_decay != 0:
                    p.add_(p, alpha=-lr * weight_decay)
                if momentum != 0:""",
           why="decays the weights directly instead of adding λ·p to the gradient the momentum sees"),
    Mutant(P, "sgd_defaults_not_groups", old='lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]',
           new='lr, momentum, dampening = self.defaults["lr"], self.defaults["momentum"], self.defaults["dampening"]',
           why="reads the hyper-parameters from the constructor, ignoring each group's own"),
    Mutant(P, "sgd_missing_gradient_as_zero", old="""                if p.grad is None:
                    continue
                d_p = p.grad
""", new="""                d_p = p.grad if p.grad is not None else torch.zeros_like(p)
""", why="a parameter without a gradient still moves (momentum, weight decay)"),
    Mutant(P, "sgd_nesterov_not_validated",
           old="""        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
""", new="", why="accepts nesterov=True without momentum or with dampening"),
    # --- Adam --------------------------------------------------------------------------
    Mutant(P, "adam_no_bias_correction", old="""                bias_correction1 = 1 - beta1 ** step
                bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5""", new="""                bias_correction1 = 1.0
                bias_correction2_sqrt = 1.0""", why="forgets the bias correction of both averages"),
    Mutant(P, "adam_decoupled_weight_decay", old='grad = grad.add(p, alpha=group["weight_decay"])',
           new='p.mul_(1 - group["lr"] * group["weight_decay"])',
           why="AdamW's decoupled decay where Adam adds λ·p to the gradient"),
    Mutant(P, "adam_eps_inside_sqrt", old='denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(group["eps"])',
           new='denom = (exp_avg_sq / bias_correction2_sqrt ** 2 + group["eps"]).sqrt()',
           why="√(v̂ + ε) instead of √v̂ + ε"),
    Mutant(P, "adam_betas_swapped", old='beta1, beta2 = group["betas"]', new='beta2, beta1 = group["betas"]',
           why="β1 for the squares, β2 for the gradient"),
    Mutant(P, "adam_one_step_count", old=_adam_block(_ADAM_HEAD, _ADAM_STEP),
           new=_adam_block("        self.t = getattr(self, 't', 0) + 1\n" + _ADAM_HEAD,
                           '                exp_avg, exp_avg_sq, step = state["exp_avg"], state["exp_avg_sq"], self.t'),
           why="one step count for the whole optimiser: a parameter that skipped steps gets the wrong bias correction"),
    Mutant(P, "closure_loss_dropped", old="        return loss\n", new="        return None\n", count=2,
           why="calls the closure but returns None"),
    # --- the comparison ------------------------------------------------------------------
    Mutant(P, "compare_loss_after_step", old="""            losses.append(loss.item())
            optimizer.step()""", new="""            optimizer.step()
            losses.append(quadratic_loss(w).item())""", why="records the loss after each update, not before"),
    Mutant(P, "compare_sgd_with_momentum", old='("sgd", lambda w: SGD([w], lr=lr_sgd))',
           new='("sgd", lambda w: SGD([w], lr=lr_sgd, momentum=0.9))', why="compares Adam with momentum SGD"),
    Mutant(P, "compare_uses_torch_adam_by_string", old='("adam", lambda w: Adam([w], lr=lr_adam))',
           new='("adam", lambda w: getattr(torch.optim, "Ad" + "am")([w], lr=lr_adam))',
           why="reaches torch.optim.Adam through a built string"),
    Mutant(P, "adam_is_torchs_by_string", old='\n\nif __name__ == "__main__":',
           new='\n\nAdam = getattr(torch.optim, "Ad" + "am")  # noqa: F811\n\n\nif __name__ == "__main__":',
           why="replaces the Adam class by torch.optim.Adam, reached through a built string"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "sgd_momentum_after_update",
    "sgd_nesterov_ignored",
    "adam_no_bias_correction",
    "adam_decoupled_weight_decay",
    "closure_loss_dropped",
    "adam_is_torchs_by_string",
)
