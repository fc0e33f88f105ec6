"""The model-transfer machinery (grader/support/model_transfer/) and the fairness of
hw08_alexnet_vgg and hw09_resnet: correct models written differently from the reference
get full marks (their variants: tests/test_variants.py); wrong ones are told which layer
did not match and why."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch
import torchvision
from torch import nn

from grader.judging import outcomes, static
from grader.problems import BY_MODULE
from grader.sandbox import wire
from grader.support.model_transfer import in_worker, judge
from grader.support.model_transfer.matching import match
from grader.support.model_transfer.measure import dropout_stat
from grader.support.model_transfer.shared import (
    TRANSFER, Build, DropoutSample, OracleSpec, ProbeResult, TransferError, count_parameters, make_input)
from grader.support.model_transfer.tracing import describe, trace_model
from tests.harness import ROOT

VARIANTS = Path(__file__).parent / "variants"
PROBLEMS = ("hw08_alexnet_vgg", "hw09_resnet")
R18, SHAPE = Build("resnet18"), (2, 3, 64, 64)


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def probe(module, build: Build, spec: OracleSpec, **kwargs) -> ProbeResult:
    """The worker's probe, run here, its answer read as the judge reads it (through the wire)."""
    answer = in_worker.probe(module, build.plain(), oracle=spec.plain(), **kwargs)
    return ProbeResult.from_plain(wire.decode(wire.encode(answer)))


@pytest.fixture(scope="module")
def resnet18_oracle():
    oracle = judge.build_oracle(torchvision.models.resnet18, seed=1, probe_shape=(1, 3, 64, 64), device="cpu",
                                calibration=(4, 3, 64, 64))
    return oracle.spec, oracle.probe([SHAPE])


def test_rearranged_resnet_gets_torchvision_outputs(resnet18_oracle):
    spec, answers = resnet18_oracle
    variant = load(VARIANTS / "hw09_resnet_rearranged" / "hw09_resnet.py", "variant_hw09")
    result = probe(variant, R18, spec, evals=[SHAPE])
    assert result.errors == {}
    assert result.params == 11_689_512
    torch.testing.assert_close(result.outputs[0], answers.outputs[0], atol=1e-4, rtol=1e-4)


def test_reference_gets_identical_outputs(resnet18_oracle):
    spec, answers = resnet18_oracle
    reference = load(ROOT / "solutions" / "hw09_resnet.py", "reference_hw09")
    result = probe(reference, R18, spec, evals=[SHAPE])
    assert torch.equal(result.outputs[0], answers.outputs[0])


def test_missing_shortcut_is_named(resnet18_oracle):
    spec, _ = resnet18_oracle
    reference = load(ROOT / "solutions" / "hw09_resnet.py", "plain_hw09")

    def plain(self, x):  # no shortcut at all
        return self.relu(self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x))))))

    reference.BasicBlock.forward = plain
    zh, en = probe(reference, R18, spec, evals=[SHAPE]).errors[TRANSFER]["transfer"]
    assert "layer1.1.conv1 did not match" in en and "bn1 + layer1.0.bn2" in en, en
    assert "layer1.1.conv1" in zh


def test_wrong_geometry_says_expected_and_got():
    class Stem(nn.Module):
        def __init__(self, padding):
            super().__init__()
            self.c = nn.Conv2d(3, 8, 3, stride=2, padding=padding)

        def forward(self, x):
            return self.c(x)

    oracle = judge.build_oracle(lambda: Stem(1), seed=0, probe_shape=(1, 3, 16, 16), device="cpu")
    student = Stem(0).eval()
    trace = trace_model(student, make_input((1, 3, 16, 16), 0), shapes_only=True)
    with pytest.raises(TransferError) as info:
        match(oracle.spec, describe(trace, student))
    assert "expected Conv2d 3→8 3×3 s2 p1, got Conv2d 3→8 3×3 s2 p0" in info.value.en


def test_cpu_tensors_made_in_forward_are_reported():
    class Sloppy(nn.Module):
        def forward(self, x):
            return x + torch.zeros(x.shape[-1])

    trace = trace_model(Sloppy(), torch.ones(2, 3), watch_cpu=True, submission_dir=str(Path(__file__).parent))
    assert any(op.startswith("zeros") and "test_model_transfer.py" in op for op in trace.cpu_made), trace.cpu_made


def test_builds_skip_initialisation_and_count_right():
    assert count_parameters(in_worker.build(torchvision.models, Build("vgg16"))) == 138_357_544
    assert in_worker.build(torchvision.models, Build("vgg16"), meta=True).classifier[0].weight.is_meta


class ValueDependent(nn.Module):
    """A correct model whose constructor reads a value (impossible on the meta device)."""

    built = 0

    def __init__(self):
        super().__init__()
        ValueDependent.built += 1
        width = int(torch.tensor([8]).item())
        self.fc = nn.Linear(width, 4)

    def forward(self, x):
        return self.fc(x)


def test_counts_fall_back_from_meta_and_kept_builds_are_built_once():
    class Module:
        __file__ = __file__
        Net = ValueDependent

    build = Build("Net")
    ValueDependent.built = 0
    assert in_worker.count_models(Module, [build.plain()]) == [{"params": 36}]  # meta failed, then for real
    assert ValueDependent.built == 2
    ValueDependent.built = 0
    in_worker.count_models(Module, [build.plain()], keep=[build.label])
    oracle = judge.build_oracle(lambda: nn.Linear(8, 4), seed=3, probe_shape=(1, 8), device="cpu")
    result = probe(Module, build, oracle.spec, evals=[(5, 8)])
    assert ValueDependent.built == 1, "built for the count, kept for the probe"
    torch.testing.assert_close(result.outputs[0], oracle.probe([(5, 8)]).outputs[0])


def test_records_survive_the_wire(resnet18_oracle):
    spec, answers = resnet18_oracle
    again = OracleSpec.from_plain(wire.decode(wire.encode(spec.plain())))
    assert again.layers == spec.layers and again.events == spec.events and again.seeds == spec.seeds
    assert all(torch.equal(again.values[i][r], v) for i, roles in spec.values.items() for r, v in roles.items())
    back = ProbeResult.from_plain(wire.decode(wire.encode(answers.plain())))
    assert back.events == answers.events and torch.equal(back.outputs[0], answers.outputs[0])


class FakeStudent:
    call_timeout = 1.0

    def __init__(self, answer):
        self.answer = answer

    def run(self, fn, *args, **kwargs):
        return self.answer


@pytest.mark.parametrize("answer", [None, {"params": 1}, {"params": 1, "errors": {}, "events": [("bogus",)],
                                                          "outputs": [], "dropout": [], "grad": None, "cpu_made": []}])
def test_a_malformed_answer_fails_the_check_not_the_grader(answer, resnet18_oracle):
    with pytest.raises(outcomes.CheckFailed):
        judge.probe_student(FakeStudent(answer), R18, resnet18_oracle[0], torch.device("cpu"))


def test_a_variant_shares_the_oracles_weights_and_must_run_its_layers():
    base = judge.build_oracle(lambda: torchvision.models.alexnet(dropout=0.3), seed=2, probe_shape=(1, 3, 64, 64),
                              device="cpu")
    same = base.variant(nn.Sequential(base.model.features, base.model.avgpool, nn.Flatten(), base.model.classifier))
    assert [o.roles for o in same.spec.layers] == [o.roles for o in base.spec.layers]
    torch.testing.assert_close(same.probe([(1, 3, 64, 64)]).outputs[0], base.probe([(1, 3, 64, 64)]).outputs[0])
    with pytest.raises(ValueError):
        base.variant(base.model.features)  # not all of the layers
    with pytest.raises(ValueError):
        base.variant(torchvision.models.alexnet())  # layers alike, weights not the oracle's


def test_an_oracle_alive_keeps_its_memory():
    """Oracles are carved from one reused block of memory: never while an earlier one lives."""
    first = judge.build_oracle(torchvision.models.alexnet, seed=4, probe_shape=(1, 3, 64, 64), device="cpu")
    before = first.probe([SHAPE]).outputs[0]
    second = judge.build_oracle(torchvision.models.resnet18, seed=5, probe_shape=(1, 3, 64, 64), device="cpu")
    assert torch.equal(first.probe([SHAPE]).outputs[0], before)
    assert first.spec.layers[0].name == "features.0" and second.spec.layers[-1].name == "fc"


def test_expected_dropout_agrees_with_a_measurement_on_torchvision():
    oracle = judge.build_oracle(lambda: torchvision.models.alexnet(dropout=0.3), seed=2, probe_shape=(1, 3, 64, 64),
                                device="cpu")
    measured = [dropout_stat(s) for s in oracle.probe([(2, 3, 64, 80)], dropout_on=0).dropout]
    expected = judge.expected_dropout(oracle.spec)
    assert [e.layer for e in expected] == ["classifier.1", "classifier.4", "classifier.6"]
    assert [e.zero_fraction for e in expected] == pytest.approx([0.3, 0.3, 0.0])
    for got, want in zip(measured, expected, strict=True):
        assert abs(got.zero_fraction - want.zero_fraction) < 0.03
        assert abs(got.scale - want.scale) < 1e-4


def test_dropout_stat_of_a_sample_that_does_not_fit_shows_nothing():
    stat = dropout_stat(DropoutSample("fc", torch.ones(3), torch.ones(4)))
    assert stat.n == 0 and stat.zero_fraction != stat.zero_fraction  # NaN: fails every comparison


ENTRY_POINTS = {"hw08_alexnet_vgg": ("vgg16", "AlexNet"), "hw09_resnet": ("resnet18", "ResNet")}


@pytest.mark.parametrize("source, found", [
    ("import torchvision\ndef {fn}():\n    return torchvision.models.resnet18()\n", True),
    ("from torchvision.models import resnet18 as tv\ndef {fn}():\n    return tv()\n", True),
    ("from torchvision import models as tm\ndef {fn}():\n    return tm.resnet34()\n", True),
    ("import torchvision as tv\nclass {cls}(tv.models.ResNet):\n    pass\n", True),
    ("import importlib\ndef {fn}():\n    return importlib.import_module('torchvision.models').vgg16()\n", True),
    ("import torch\ndef {fn}():\n    return torch.hub.load('pytorch/vision', 'resnet18')\n", True),
    ("import torchvision\nimport torchvision.transforms as T\ndef {fn}():\n    return T\n", False),
    ("def {fn}():\n    pass\nif __name__ == '__main__':\n    from torchvision.models import resnet18\n", False),
    ('"""uses torchvision.models in prose only"""\n', False),
])
@pytest.mark.parametrize("problem", PROBLEMS)
def test_the_manifests_static_scan(problem, source, found):
    """What the manifests' ``names`` let the static scan find (the run-time policy stops the rest)."""
    fn, cls = ENTRY_POINTS[problem]
    assert bool(static.policy_findings(source.format(fn=fn, cls=cls), BY_MODULE[problem])) == found
