"""Flakiness verification of the bonus problems' checks (not collected by pytest).

    python tests/stress_bonus.py hw11 [--seeds 20] [--mutants]   # optimiser trajectories and curves
    python tests/stress_bonus.py hw12 [--seeds 20]     # the AE/DAE experiment, many seeds
    python tests/stress_bonus.py grader [--runs 3]     # the real grader, run after run: same scores

The checks draw their problems and data from a seed; here the same judging code
(``oracles``) runs on the problems of 20 other seeds, in this process, against the
reference, the correct variants (``tests/variants/hw1[12]_*``) and the wrong answers a
statistical check must catch (``tests/mutants``). "use" = how much of a tolerance or a
margin a submission uses (1.0 would fail it): a correct submission must stay below 1 in
every seed, a wrong one above.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from grader.judging.outcomes import CheckFailed  # noqa: E402
from grader.problems.hw11_optimizers import in_worker as w11, oracles as o11  # noqa: E402
from grader.problems.hw12_autoencoders import in_worker as w12, oracles as o12  # noqa: E402
from tests.mutants import all_mutants  # noqa: E402

BONUS = ("hw11_optimizers", "hw12_autoencoders")
# The wrong answers hw12's measured claims (not its exact checks) are there to catch
# (noise at evaluation is the exact noise check's: the claim alone sees 1.0–1.4 for it).
HW12_MUTANTS = ("loss_against_noisy_input", "train_mode_never_set", "no_optimizer_step")


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def submissions(problem: str, mutants: tuple[str, ...] = ()) -> dict:
    """name -> module: the reference, the variants, the named mutants."""
    found = {"reference": load(ROOT / "solutions" / f"{problem}.py", f"ref_{problem}")}
    for folder in sorted((ROOT / "tests" / "variants").glob(f"{problem}_*")):
        found[folder.name.removeprefix(problem + "_")] = load(folder / f"{problem}.py", folder.name)
    tmp = Path(tempfile.mkdtemp())
    for mutant in all_mutants():
        if mutant.problem == problem and mutant.name in mutants:
            found[f"mutant:{mutant.name}"] = load(mutant.write(tmp / mutant.name) / f"{problem}.py", mutant.name)
    return found


def summary(values: list[float]) -> str:
    return f"min {min(values):.3g}  median {statistics.median(values):.3g}  max {max(values):.3g}"


# -- hw11 -------------------------------------------------------------------------------------

def trajectory_use(got: dict, want: dict, problem: o11.Problem) -> float:
    atol, rtol = o11.TOLERANCE[problem.dtype]
    truth = want["trajectory"].double()
    return float(((got["trajectory"].double() - truth).abs() / (atol + rtol * truth.abs())).max())


def curve_use(result: dict, oracle: o11.CurveOracle) -> float:
    return max(abs(v - t) / (oracle.tolerance[name] * abs(t))
               for name in ("sgd", "adam") for v, t in zip(result[name], oracle.curves[name]))


# hw11's wrong answers that only the value comparisons can catch (not the policy or the ValueError check).
HW11_MUTANTS = tuple(m.name for m in all_mutants() if m.problem == "hw11_optimizers"
                     and "string" not in m.name and m.name != "sgd_nesterov_not_validated")


def stress_hw11(seeds: int, mutants: bool) -> int:
    modules = submissions("hw11_optimizers", HW11_MUTANTS if mutants else ())
    uses: dict[str, list[float]] = {name: [] for name in modules}
    curve_uses: dict[str, list[float]] = {name: [] for name in modules}
    failures = 0
    t0 = time.time()
    for seed in range(seeds):
        base = 5000 + 37 * seed
        problems = [*o11.sgd_problems(base, 3, "plain"), *o11.sgd_problems(base + 1, 3, "momentum"),
                    *o11.sgd_problems(base + 2, 3, "nesterov"), *o11.adam_problems(base + 3, 3, defaults=True),
                    *o11.adam_problems(base + 4, 3), *o11.group_problems(base + 5), *o11.closure_problems(base + 6)]
        wanted = [o11.expected(p) for p in problems]
        rng = torch.Generator().manual_seed(seed)
        setting = {"steps": int(torch.randint(100, 250, (1,), generator=rng)),
                   "lr_sgd": float(0.005 + 0.016 * torch.rand(1, generator=rng)),
                   "lr_adam": float(0.05 + 0.15 * torch.rand(1, generator=rng))}
        oracle = o11.curve_oracle(**setting)
        for name, module in modules.items():
            runs = w11.trajectories(module, [p.spec() for p in problems])
            caught = []
            for problem, run, want in zip(problems, runs, wanted):
                try:
                    o11.expect_same_run(run, want, problem)
                except CheckFailed as failure:
                    caught.append(failure.en)
            uses[name].append(max(trajectory_use(r, w, p) for p, r, w in zip(problems, runs, wanted)))
            use = curve_use(module.compare_optimizers(**setting), oracle)
            curve_uses[name].append(use)
            if name.startswith("mutant:") and not caught and use <= 1:
                failures += 1
                print(f"  NOT CAUGHT {name} seed {seed}")
            elif not name.startswith("mutant:") and (caught or use > 1):
                failures += 1
                print(f"  FLAKE {name} seed {seed}: {caught[:1]} curve use {use:.3g}")
    print(f"hw11: {seeds} seeds × {len(problems)} problems, {time.time() - t0:.0f} s")
    for name in modules:
        print(f"  {name:40s} trajectory tolerance use: {summary(uses[name])};  "
              f"compare_optimizers (random rates) tolerance use: {summary(curve_uses[name])}")
    print(f"  {failures} flakes")
    return 1 if failures else 0


# -- hw12 -------------------------------------------------------------------------------------

def experiment_numbers(module, experiment: o12.Experiment) -> dict:
    runs = {kind: w12.train_and_denoise(module, kind, experiment.config, experiment.train, experiment.noisy)
            for kind in ("AutoEncoder", "DenoisingAutoEncoder")}
    ae_error, dae_error = o12.denoising_errors(experiment, runs["AutoEncoder"], runs["DenoisingAutoEncoder"])
    falls = [(lambda f, l: l / f)(*o12.ends(run["losses"])) for run in runs.values()]
    _, dae_last = o12.ends(runs["DenoisingAutoEncoder"]["losses"])
    return {"ratio": ae_error / dae_error, "fall": max(falls), "clean": dae_last / (o12.noisy_target_floor() / 2),
            "ae": ae_error, "dae": dae_error}


def stress_hw12(seeds: int) -> int:
    modules = submissions("hw12_autoencoders", HW12_MUTANTS)
    numbers: dict[str, list[dict]] = {name: [] for name in modules}
    failures = 0
    t0 = time.time()
    for seed in range(seeds):
        experiment = o12.Experiment(seed=1000 + seed)
        for name, module in modules.items():
            n = experiment_numbers(module, experiment)
            numbers[name].append(n)
            passes = (o12.claim_holds(n["ae"], n["dae"]) and n["fall"] < o12.LOSS_FALL and n["clean"] < 1)
            if passes == name.startswith("mutant:"):
                failures += 1
                print(f"  FLAKE {name} seed {seed}: {n}")
        print(f"  seed {seed:2d}: " + "  ".join(f"{k} {numbers[k][-1]['ratio']:.2f}" for k in modules), flush=True)
    print(f"hw12: {seeds} seeds, {time.time() - t0:.0f} s")
    print(f"  AE error / DAE error on noisy held-out images (the claim needs ≥ {o12.CLAIM_MARGIN}), "
          f"loss fall last/first (needs < {o12.LOSS_FALL}), DAE final loss / clean-target bound (needs < 1):")
    for name, rows in numbers.items():
        print(f"  {name:30s} ratio {summary([r['ratio'] for r in rows])} | fall {summary([r['fall'] for r in rows])}"
              f" | clean {summary([r['clean'] for r in rows])}")
    print(f"  {failures} flakes")
    return 1 if failures else 0


# -- the real grader ------------------------------------------------------------------------------

def run_grader(runs: int) -> int:
    folders = [ROOT / "solutions", *sorted((ROOT / "tests" / "variants").glob("hw1[12]_*"))]
    seen: dict[str, set] = {}
    for k in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "pytest", str(ROOT / "grader"), "-q", "-p", "no:cacheprovider",
                   "-k", "hw11 or hw12", "--grade-json", str(Path(tmp) / "results"), "-W", "ignore"]
            for folder in folders:
                cmd += ["--submission", str(folder)]
            t0 = time.time()
            subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            for path in sorted((Path(tmp) / "results").glob("*.json")):
                result = json.loads(path.read_text(encoding="utf-8"))
                # a variant's folder name holds its module's, so -k selects the other problems too: skip them
                scores = tuple(sorted((p, v["score"]) for p, v in result["extra_data"]["problems"].items()
                                      if p in BONUS and (path.stem == "solutions" or path.stem.startswith(p))))
                seen.setdefault(path.stem, set()).add(scores)
                print(f"run {k + 1}/{runs}  {path.stem:30s} {scores}", flush=True)
            print(f"  {time.time() - t0:.0f} s")
    unstable = [name for name, scores in seen.items() if len(scores) != 1]
    short = [name for name, scores in seen.items() if any(s != 10 for _, s in next(iter(scores)))]
    print(f"{len(seen)} submissions; different scores across runs: {unstable or 'none'}; below 10: {short or 'none'}")
    return 1 if unstable or short else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("hw11", "hw12", "grader"))
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mutants", action="store_true", help="hw11: also check every wrong answer is caught in every seed")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.what == "hw11":
        return stress_hw11(args.seeds, args.mutants)
    if args.what == "hw12":
        return stress_hw12(args.seeds)
    return run_grader(args.runs)


if __name__ == "__main__":
    sys.exit(main())
