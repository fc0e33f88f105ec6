"""hw12 (bonus): an autoencoder and a denoising autoencoder.

Oracles: the contract's layer shapes and parameter count; the statistics of Gaussian
noise (measured on what ``corrupt`` and the first layer actually receive); the least
loss a reconstruction can have against a noisy target; and the notes' claim, measured:
an AE and a DAE trained the same way on the same synthetic images, then shown other
images with noise at the DAE's own level; the DAE must come clearly closer to the clean
images (settings and margin in ``oracles``, measured over 20 seeds by
``tests/stress_bonus.py``).
"""

from __future__ import annotations

import pytest
import torch

from grader.judging.checks import (expect, expect_close, expect_equal, expect_in_range, expect_keys, expect_len,
                                   expect_tensor, expect_unchanged)
from grader.problems.hw12_autoencoders import in_worker, oracles, plots

pytestmark = pytest.mark.problem("hw12_autoencoders")

KINDS = ("AutoEncoder", "DenoisingAutoEncoder")
SHAPE_CASES = ((20, (12, 4)), (30, (16,)), (24, (16, 8, 4)))


@pytest.fixture(scope="module")
def experiment() -> oracles.Experiment:
    return oracles.Experiment()


@pytest.fixture(scope="module")
def trained(student, device, experiment) -> dict:
    """Each model trained by the submission's train_autoencoder (one request per model, so a
    broken DAE costs the AE nothing)."""
    runs = {}
    for kind in KINDS:
        try:
            runs[kind] = student.run(in_worker.train_and_denoise, kind, experiment.config, experiment.train,
                                     experiment.noisy, str(device), describe=f"train_autoencoder({kind}(…), …)")
        except Exception as error:  # noqa: BLE001 - re-raised by the checks that need this model
            runs[kind] = error
    return runs


def run_of(trained: dict, kind: str) -> dict:
    run = trained[kind]
    if isinstance(run, Exception):
        raise run
    return expect_keys(run, ["losses", "modes", "left_training", "reconstruction"], f"train_autoencoder({kind})")


@pytest.mark.points(1)
def test_shapes_and_sigmoid_range(student, device):
    """encode → [N, hidden[-1]], decode and forward → [N, in_features] in [0, 1]; the mirrored nn.Linear layers"""
    gen = torch.Generator().manual_seed(oracles.SEED)
    cases = [{"kind": kind, "in_features": n, "hidden": list(hidden), "noise_std": 0.5,
              "x": torch.rand(5, n, generator=gen), "z": 8 * torch.randn(5, hidden[-1], generator=gen)}
             for n, hidden in SHAPE_CASES for kind in KINDS]
    results = student.run(in_worker.describe, cases, str(device))
    expect_len(results, len(cases), "describe")
    for case, got in zip(cases, results):
        what = f"{case['kind']}(in_features={case['in_features']}, hidden={tuple(case['hidden'])})"
        expect_tensor(got["code"], f"{what}.encode(x)", shape=(5, case["hidden"][-1]), floating=True)
        for key, call in (("decoded", "decode(z)"), ("forward", "forward(x)")):
            expect_tensor(got[key], f"{what}.{call}", shape=(5, case["in_features"]), floating=True)
            expect_in_range(got[key], 0.0, 1.0, f"{what}.{call}")
        expect_equal(got["linear"], oracles.mirror_layers(case["in_features"], tuple(case["hidden"])),
                     f"{what}: nn.Linear (in, out)", "编码器经过 hidden, 解码器是镜像 / encoder through hidden, decoder mirrored")
        expect(got["subclass"], "DenoisingAutoEncoder 应继承 AutoEncoder",
               "DenoisingAutoEncoder must subclass AutoEncoder")


def _expect_noise(noise: torch.Tensor, std: float, what: str) -> None:
    mean_tol, std_tol = oracles.noise_tolerances(std, noise.numel())
    mean, spread = float(noise.double().mean()), float(noise.double().std())
    expect(abs(mean) <= mean_tol, f"{what}: 噪声均值应约为 0, 实测 {mean:.4g}",
           f"{what}: the noise should have mean about 0; measured {mean:.4g}")
    expect(abs(spread - std) <= std_tol, f"{what}: 噪声标准差应约为 noise_std = {std}, 实测 {spread:.4g}",
           f"{what}: the noise should have standard deviation noise_std = {std}; measured {spread:.4g}")


@pytest.mark.points(1)
def test_corrupt_adds_gaussian_noise(student, device):
    """corrupt(x) = x + N(0, noise_std²): same shape, fresh noise each call, x left alone"""
    gen = torch.Generator().manual_seed(oracles.SEED + 1)
    x = oracles.images(200, oracles.SIDE, gen)
    for std in (0.2, 0.7):
        config = {**oracles.config(), "noise_std": std}
        got = student.run(in_worker.corrupt_samples, config, x, str(device))
        what = f"DenoisingAutoEncoder(noise_std={std}).corrupt(x)"
        first = expect_tensor(got["first"], what, shape=x.shape, floating=True)
        second = expect_tensor(got["second"], what, shape=x.shape, floating=True)
        expect_unchanged(x, got["x_after"], what)
        _expect_noise(first - x, std, what)
        expect(not torch.equal(first, second), f"{what}: 两次调用给出了同样的噪声",
               f"{what}: two calls gave the same noise (draw fresh noise each time)")


@pytest.mark.points(1.5)
def test_noise_only_in_training_mode(student, device):
    """the DAE's encoder sees x + noise in training mode and exactly x in eval mode; the AE never adds noise"""
    gen = torch.Generator().manual_seed(oracles.SEED + 2)
    x = oracles.images(100, oracles.SIDE, gen)
    got = student.run(in_worker.encoder_inputs, oracles.config(), x, str(device))
    for key, (kind, mode) in {"DenoisingAutoEncoder/train": ("DAE", "train()"),
                              "DenoisingAutoEncoder/eval": ("DAE", "eval()"),
                              "AutoEncoder/train": ("AE", "train()")}.items():
        what = f"{kind}.{mode}: forward(x) 的第一层输入 / the first layer's input"
        inputs = got[key]["inputs"]
        expect(len(inputs) > 0, f"{what}: 没有 nn.Linear(in_features, …) 接收输入",
               f"{what}: no nn.Linear(in_features, …) received the input")
        for seen in inputs:
            seen = expect_tensor(seen, what, shape=x.shape, floating=True)
            if key == "DenoisingAutoEncoder/train":
                _expect_noise(seen - x, oracles.NOISE_STD, f"{what} − x")
            else:
                expect_close(seen, x, what, atol=0.0, rtol=0.0)
    outputs = got["DenoisingAutoEncoder/eval"]["outputs"]
    expect(torch.equal(outputs[0], outputs[1]), "DAE.eval(): 同一输入两次 forward 结果不同 (评估时不应加噪声)",
           "DAE.eval(): two forwards of the same input differ (no noise at evaluation)")


@pytest.mark.points(1)
def test_training_loss_falls(trained):
    """train_autoencoder returns one finite loss per step, and the loss falls (AE and DAE)"""
    for kind in KINDS:
        what = f"train_autoencoder({kind}(…), steps={oracles.STEPS})"
        first, last = oracles.ends(oracles.loss_curve(run_of(trained, kind)["losses"], what))
        expect(last < oracles.LOSS_FALL * first,
               f"{what}: 损失没有下降: 前 {oracles.WINDOW} 步平均 {first:.4g}, 最后 {oracles.WINDOW} 步平均 {last:.4g}",
               f"{what}: the loss does not fall: first {oracles.WINDOW} steps average {first:.4g}, "
               f"last {oracles.WINDOW} average {last:.4g}")


@pytest.mark.points(1)
def test_trains_in_training_mode_and_leaves_eval_mode(trained):
    """train_autoencoder switches the model (handed over in eval mode) to training mode, and leaves it in eval mode"""
    for kind in KINDS:
        run = run_of(trained, kind)
        what = f"train_autoencoder({kind}(…).eval(), …)"
        expect(len(run["modes"]) > 0 and all(run["modes"]),
               f"{what}: 训练时模型不在训练模式 (忘了 model.train()?)",
               f"{what}: the model was not in training mode while training (model.train() missing?)")
        expect(run["left_training"] is False, f"{what}: 结束后模型仍在训练模式 (应调用 model.eval())",
               f"{what}: the model is still in training mode afterwards (call model.eval())")


@pytest.mark.points(0.5)
def test_training_is_seeded(student, device, experiment):
    """the same seed gives the same losses, another seed other losses"""
    config = {**oracles.config(), "steps": 5}
    same, again, other = student.run(in_worker.repeat_training, config, experiment.train, [3, 3, 4], str(device))
    what = "train_autoencoder(DenoisingAutoEncoder(…), steps=5, seed=…)"
    same, again, other = (oracles.loss_curve(c, what, 5) for c in (same, again, other))
    expect(same == again, f"{what}: seed=3 两次的损失不同", f"{what}: seed=3 twice gave different losses")
    expect(same != other, f"{what}: seed=3 与 seed=4 的损失相同 (seed 没有被使用?)",
           f"{what}: seed=3 and seed=4 gave the same losses (is the seed used?)")


@pytest.mark.points(1.5)
def test_loss_against_the_clean_input(trained):
    """the DAE's loss is measured against the clean input, not the noisy one it was given"""
    what = f"train_autoencoder(DenoisingAutoEncoder(noise_std={oracles.NOISE_STD}), …)"
    _, last = oracles.ends(oracles.loss_curve(run_of(trained, "DenoisingAutoEncoder")["losses"], what))
    bound = oracles.noisy_target_floor() / 2
    expect(last < bound,
           f"{what}: 最后的损失 {last:.4g}; 以含噪输入为目标的损失不可能低于 {2 * bound:.3g}, "
           f"以干净输入为目标时应远低于 {bound:.3g}",
           f"{what}: final loss {last:.4g}; a loss against the noisy input cannot fall below {2 * bound:.3g}, "
           f"one against the clean input ends far below {bound:.3g}")


@pytest.mark.points(1.5)
def test_dae_denoises_better_than_ae(trained, experiment, output_dir):
    """trained the same way, the DAE reconstructs noisy unseen images clearly closer to the clean ones than the AE"""
    ae_run, dae_run = run_of(trained, "AutoEncoder"), run_of(trained, "DenoisingAutoEncoder")
    ae_error, dae_error = oracles.denoising_errors(experiment, ae_run, dae_run)
    plots.save_denoising({"held-out images": experiment.clean, f"+ noise (std {oracles.NOISE_STD})": experiment.noisy,
                          f"AE reconstruction (MSE {ae_error:.4f})": ae_run["reconstruction"],
                          f"DAE reconstruction (MSE {dae_error:.4f})": dae_run["reconstruction"]},
                         oracles.SIDE, output_dir / plots.DENOISING_PNG)
    expect(oracles.claim_holds(ae_error, dae_error),
           f"含噪的新图像上: AE 的误差 {ae_error:.4g}, DAE 的误差 {dae_error:.4g}; DAE 应明显更好 "
           f"(AE 的误差至少是 DAE 的 {oracles.CLAIM_MARGIN} 倍)",
           f"on noisy unseen images the AE's error is {ae_error:.4g} and the DAE's {dae_error:.4g}; the DAE "
           f"should be clearly better (the AE's error at least {oracles.CLAIM_MARGIN} times the DAE's)")
