"""hw02_receptive_field 第二题: receptive field.

Oracles (``oracles.py``): output sizes of real conv / pooling layers, and the receptive
field measured by back-propagation through real convolutions of the same geometry.
Layers reach the student's code as real modules built in the worker (``in_worker.py``).
"""

from __future__ import annotations

import random

import pytest

from grader.judging.checks import expect_equal, expect_raises
from grader.problems.hw02_receptive_field import in_worker, oracles
from grader.problems.hw02_receptive_field.in_worker import call_text
from grader.problems.hw02_receptive_field.oracles import geometry, measured_receptive_field, real_sizes
from grader.sandbox.student import describe_call

pytestmark = pytest.mark.problem("hw02_receptive_field")

MEASURED = "反向传播测得 / measured by back-propagation"
FORWARD = "真实前向传播 / a real forward pass"


def on_sequentials(student, function: str, specs, *args) -> list:
    """``function(*args, nn.Sequential(...))`` for every spec, in one round trip."""
    label = call_text(function, specs[0], *args) + (f" (+{len(specs) - 1})" if len(specs) > 1 else "")
    return student.run(in_worker.on_sequentials, function, list(specs), *args, describe=label)


@pytest.mark.points(2)
def test_homework_stack(student):
    """the homework: 32×32 → 3×3 s1 p1 → 3×3 s2 → 2×2 pool s2 has a 7×7 receptive field (jump 4), sizes [32, 15, 7]"""
    spec = oracles.HOMEWORK_SEQUENTIAL
    truth_rf, truth_sizes = measured_receptive_field(geometry(spec)), real_sizes(32, spec)
    assert (truth_rf, truth_sizes) == ((7, 4), (32, 15, 7)), "grader: the oracle disagrees with the notes"
    layers = list(oracles.HOMEWORK)
    expect_equal(student.call("receptive_field", layers), truth_rf, describe_call("receptive_field", (layers,), {}),
                 MEASURED)
    expect_equal(student.call("feature_map_sizes", 32, layers), truth_sizes,
                 describe_call("feature_map_sizes", (32, layers), {}), FORWARD)
    expect_equal(on_sequentials(student, "receptive_field", [spec])[0], truth_rf, call_text("receptive_field", spec),
                 MEASURED)


@pytest.mark.points(1.5)
def test_conv_output_size_matches_real_layers(student):
    """conv_output_size equals the output size of real conv / pooling layers, and rejects sizes below 1"""
    rng = random.Random(7)
    cases = [(rng.randint(1, 40), rng.choice([1, 2, 3, 4, 5, 7]), rng.randint(1, 4), rng.randint(0, 3),
              rng.randint(1, 3)) for _ in range(40)]
    valid = [c for c in cases if oracles.conv_size(*c) is not None]
    calls = [(c, {}) for c in valid] + [((28, 3), {})]
    truths = [oracles.conv_size(*c) for c in valid] + [oracles.conv_size(28, 3, 1, 0, 1)]
    for call, got, truth in zip(calls, student.call_each("conv_output_size", calls), truths):
        expect_equal(got, truth, describe_call("conv_output_size", *call),
                     "nn.Conv2d 的输出尺寸 / a real nn.Conv2d's output size")
    for case in (c for c in cases if oracles.conv_size(*c) is None):  # torch refuses: the output would be empty
        expect_raises(lambda: student.call("conv_output_size", *case), ("ValueError",),
                      describe_call("conv_output_size", case, {}) + " (输出为空 / empty output)")


@pytest.mark.points(1.5)
def test_receptive_field_of_random_stacks(student):
    """receptive_field of random conv/pool stacks (strides, paddings, dilations) equals the measured one"""
    stacks = oracles.tuple_stacks()
    calls = [((oracles.as_tuples(spec),), {}) for spec in stacks]
    for spec, call, got in zip(stacks, calls, student.call_each("receptive_field", calls)):
        expect_equal(got, measured_receptive_field(geometry(spec)), describe_call("receptive_field", *call), MEASURED)


@pytest.mark.points(2)
def test_sequential_models(student):
    """an nn.Sequential (nested, with ReLU/BN/Dropout/Identity, Conv2d/MaxPool2d/AvgPool2d) gives the measured (R, J) and real sizes"""
    stacks = oracles.sequential_stacks()
    fields = on_sequentials(student, "receptive_field", stacks)
    sizes = on_sequentials(student, "feature_map_sizes", stacks, 64)
    for spec, field, size in zip(stacks, fields, sizes):
        expect_equal(field, measured_receptive_field(geometry(spec)), call_text("receptive_field", spec), MEASURED)
        expect_equal(size, real_sizes(64, spec), call_text("feature_map_sizes", spec, 64), FORWARD)


@pytest.mark.points(1)
def test_feature_map_sizes_of_random_stacks(student):
    """feature_map_sizes equals the sizes of a real forward pass, layer by layer"""
    rng = random.Random(11)
    stacks = oracles.tuple_stacks()
    calls = [((rng.randint(40, 80), oracles.as_tuples(spec)), {}) for spec in stacks]
    for spec, call, got in zip(stacks, calls, student.call_each("feature_map_sizes", calls)):
        expect_equal(got, real_sizes(call[0][0], spec), describe_call("feature_map_sizes", *call), FORWARD)


@pytest.mark.points(1)
def test_unsupported_layers_are_value_errors(student):
    """layers the recurrence cannot describe (transposed convs, upsampling, adaptive pools, Linear, Flatten, residual blocks and other containers), nested or not, raise ValueError"""
    base = oracles.SUPPORTED_BASE
    expect_equal(on_sequentials(student, "receptive_field", [base])[0], measured_receptive_field(geometry(base)),
                 call_text("receptive_field", base), MEASURED)
    for bad in oracles.UNSUPPORTED:
        spec = (*base, bad)
        expect_raises(lambda: student.run(in_worker.on_sequential, "receptive_field", spec,
                                          describe=call_text("receptive_field", spec)),
                      ("ValueError",), call_text("receptive_field", spec))
