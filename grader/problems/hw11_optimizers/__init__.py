"""hw11_optimizers (附加题 11, bonus): SGD with momentum and Adam / 带动量的 SGD 与 Adam."""

from grader.problems.manifest import Policy, Problem, Rule

# torch.optim's own optimisers (the oracles) and every one that can stand in for them
# (RMSprop with alpha=1, eps=1 is SGD with momentum; ASGD with lambd=alpha=0 is SGD;
# AdamW subclasses Adam); the base class torch.optim.Optimizer stays allowed.
_MODULES = ("sgd", "adam", "adamw", "asgd", "rmsprop", "sparse_adam", "nadam", "radam", "adamax",
            "adagrad", "adadelta", "rprop", "lbfgs", "_adafactor", "_muon", "_functional", "_multi_tensor")
_CLASSES = ("SGD", "Adam", "AdamW", "ASGD", "RMSprop", "SparseAdam", "NAdam", "RAdam", "Adamax",
            "Adagrad", "Adadelta", "Rprop", "LBFGS", "Adafactor", "Muon")
_FUSED = ("_fused_sgd", "_fused_sgd_", "_fused_adam", "_fused_adam_", "_fused_adamw", "_fused_adamw_",
          "_fused_adagrad", "_fused_adagrad_")

PROBLEM = Problem(
    module="hw11_optimizers",
    zh="带动量的 SGD 与 Adam",
    en="SGD with momentum and Adam",
    bonus=True,
    budget_s=5.0,  # measured 4.7–5.2 s on a loaded 2-core machine (about 1–1.6 CPU-s)
    entry_points=("SGD", "Adam", "compare_optimizers"),
    policy=Policy(forbid=(Rule(
        code=tuple(f"torch.optim.{m}" for m in _MODULES),
        ops=tuple(f"aten::{op}" for op in _FUSED),
        names=(*(f"torch.optim.{m}" for m in _MODULES + _CLASSES), *(f"torch.{op}" for op in _FUSED),
               *(f"torch.ops.aten.{op}" for op in _FUSED)),
        zh="torch.optim 自带的优化器是评分用的参考实现, 请继承 torch.optim.Optimizer 自己写更新规则",
        en="torch.optim's optimisers are what the grader compares against; subclass "
           "torch.optim.Optimizer and write the updates yourself"),)),
)
