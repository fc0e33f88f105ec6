"""The model-transfer machinery (grader/model_transfer.py) and the fairness of hw08/hw09:
correct models written differently from the reference get full marks; wrong ones are
told which layer did not match and why."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
import torch
import torchvision
from torch import nn

from grader.support import model_transfer as mt
from tests.harness import ROOT, grade

VARIANTS = Path(__file__).parent / "variants"


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def resnet18_oracle():
    model, spec = mt.make_oracle(torchvision.models.resnet18, probe_shape=(1, 3, 64, 64), seed=1, device="cpu",
                                 calibrate_bn=True, calibration_shape=(4, 3, 64, 64))
    return spec, mt.oracle_probe(model, spec, device="cpu", evals=[(2, 3, 64, 64)])


def test_rearranged_resnet_gets_torchvision_outputs(resnet18_oracle):
    spec, answers = resnet18_oracle
    variant = load(VARIANTS / "hw09_rearranged" / "hw09_resnet.py", "variant_hw09")
    result = mt.probe(variant, {"name": "resnet18"}, oracle=spec, evals=[(2, 3, 64, 64)])
    assert result["errors"] == {}
    assert result["params"] == 11_689_512
    torch.testing.assert_close(result["outputs"][0], answers["outputs"][0], atol=1e-4, rtol=1e-4)


def test_reference_gets_identical_outputs(resnet18_oracle):
    spec, answers = resnet18_oracle
    reference = load(ROOT / "solutions" / "hw09_resnet.py", "reference_hw09")
    result = mt.probe(reference, {"name": "resnet18"}, oracle=spec, evals=[(2, 3, 64, 64)])
    assert torch.equal(result["outputs"][0], answers["outputs"][0])


def test_missing_shortcut_is_named(resnet18_oracle):
    spec, _ = resnet18_oracle
    reference = load(ROOT / "solutions" / "hw09_resnet.py", "plain_hw09")
    forward = reference.BasicBlock.forward

    def plain(self, x):  # no shortcut at all
        return self.relu(self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x))))))

    reference.BasicBlock.forward = plain
    try:
        result = mt.probe(reference, {"name": "resnet18"}, oracle=spec, evals=[(2, 3, 64, 64)])
    finally:
        reference.BasicBlock.forward = forward
    zh, en = result["errors"]["transfer"]["transfer"]
    assert "layer1.1.conv1 did not match" in en and "bn1 + layer1.0.bn2" in en, en
    assert "layer1.1.conv1" in zh


def test_wrong_geometry_says_expected_and_got():
    class Stem(nn.Module):
        def __init__(self, padding):
            super().__init__()
            self.c = nn.Conv2d(3, 8, 3, stride=2, padding=padding)

        def forward(self, x):
            return self.c(x)

    model, spec = mt.make_oracle(lambda: Stem(1), probe_shape=(1, 3, 16, 16), seed=0, device="cpu")
    student = Stem(0).eval()
    trace = mt.trace_model(student, mt.make_input((1, 3, 16, 16), 0), shapes_only=True)
    with pytest.raises(mt.TransferError) as info:
        mt.match(spec, mt.describe(trace, student))
    assert "expected Conv2d 3→8 3×3 s2 p1, got Conv2d 3→8 3×3 s2 p0" in info.value.en


def test_cpu_tensors_made_in_forward_are_reported():
    class Sloppy(nn.Module):
        def forward(self, x):
            return x + torch.zeros(x.shape[-1])

    trace = mt.trace_model(Sloppy(), torch.ones(2, 3), watch_cpu=True, submission_dir=str(Path(__file__).parent))
    assert any(op.startswith("zeros") and "test_model_transfer.py" in op for op in trace.cpu_made), trace.cpu_made


def test_skip_init_builds_cheaply_and_counts_right():
    assert mt.count_parameters(mt.build(torchvision.models, {"name": "vgg16"})) == 138_357_544


@pytest.mark.parametrize("source, hits", [
    ("import torchvision\nm = torchvision.models.resnet18()\n", 1),
    ("from torchvision.models import resnet18\n", 1),
    ("from torchvision import models as tm\n", 1),
    ("import torchvision as tv\nclass R(tv.models.ResNet): pass\n", 1),
    ("import importlib\nm = importlib.import_module('torchvision.models')\n", 1),
    ("import torch\nm = torch.hub.load('pytorch/vision', 'resnet18')\n", 2),
    ("import torchvision\nimport torchvision.transforms as T\n", 0),
    ("def f():\n    pass\nif __name__ == '__main__':\n    from torchvision.models import resnet18\n", 0),
    ('"""uses torchvision.models in prose only"""\n', 0),
])
def test_static_check(source, hits):
    assert len(mt.oracle_uses(source)) == hits, mt.oracle_uses(source)


def test_rearranged_submissions_score_full_marks(tmp_path):
    """Graded end to end, with their hidden checks: names, registration order, call
    order, ModuleList/ModuleDict and functional ops make no difference."""
    folders = []
    for problem in ("hw08_alexnet_vgg", "hw09_resnet"):
        folder = tmp_path / "subs" / f"{problem[:4]}_rearranged"
        folder.mkdir(parents=True)
        shutil.copy(VARIANTS / f"{problem[:4]}_rearranged" / f"{problem}.py", folder / f"{problem}.py")
        folders.append(folder)
    run = grade(folders, tmp_path / "out", problem="hw08 or hw09")
    for folder, problem in zip(folders, ("hw08_alexnet_vgg", "hw09_resnet")):
        tests = run.tests_of(folder.name, problem)
        failed = [(t["name"], t["output"][:300]) for t in tests if t["status"] != "passed"]
        assert not failed
        assert run.problem_score(folder.name, problem) == 10


def test_expected_dropout_agrees_with_a_measurement_on_torchvision():
    model, spec = mt.make_oracle(lambda: torchvision.models.alexnet(dropout=0.3), probe_shape=(1, 3, 224, 224),
                                 seed=2, device="cpu")
    measured = mt.oracle_probe(model, spec, device="cpu", evals=[(1, 3, 224, 224)], dropout=True)["dropout"]
    expected = mt.expected_dropout(spec)
    assert [e["layer"] for e in expected] == ["classifier.1", "classifier.4", "classifier.6"]
    assert [e["zero_fraction"] for e in expected] == pytest.approx([0.3, 0.3, 0.0])
    for got, want in zip(measured, expected):
        assert abs(got["zero_fraction"] - want["zero_fraction"]) < 0.03
        assert abs(got["scale"] - want["scale"]) < 1e-4
