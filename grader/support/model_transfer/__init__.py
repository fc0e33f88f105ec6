"""Load an oracle's weights into a student's model, whatever its internals are called
(used by hw08_alexnet_vgg and hw09_resnet).

The judge builds the oracle (a torchvision model, never downloaded: built on the
``meta`` device, then given seeded random weights), traces it once on a small probe
input and sends the worker a plain description of its layers. The worker traces
the student's model on the same probe, matches the two layer graphs, loads the
same weights into the student's tensors, and returns what the judge asks for
(outputs on given inputs, the inputs of the linear layers with and without
dropout, gradients). The judge compares those values with the oracle's; nothing
the worker says is a verdict.

How layers are found and matched
--------------------------------
A ``TorchFunctionMode`` sees every torch call made during ``forward``: an
``nn.Conv2d`` shows up as ``F.conv2d(input, weight, bias, stride, ...)``, an
``nn.Linear`` as ``F.linear``, a ``BatchNorm2d`` as ``F.batch_norm``, and so do
the same functions called directly. A *layer* is one such call; its tensors
(weight, bias, running statistics) are the objects passed to it, so loading a
weight never needs the student's attribute names or module layout. Data flow is
followed through every other op: each tensor carries the set of layers whose
output reaches it through parameter-free ops (ReLU, pooling, additions,
reshapes...), so a layer's *sources* are the layers (or the model's input) that
feed it. Layers match when their kind and parameter shapes agree and their
sources are the images of the oracle layer's sources. Oracle layers are visited
in the oracle's execution order (a topological order), so the order in which a
student registers or calls modules, the names, ``Sequential`` vs ``ModuleList``,
a shortcut computed before or after the residual branch: none of it matters.
When a layer cannot be matched, ``TransferError`` says which one and why.

One side per file
-----------------
- ``in_worker.py`` (worker): builds the student's model, probes it, counts parameters.
- ``judge.py`` (judge): builds oracles, asks the worker, turns its answers into verdicts.
- ``shared.py``: the plain records that cross the boundary, the seeds, the inputs.
- ``tracing.py``, ``matching.py``, ``weights.py``, ``measure.py``: the engine both sides
  run (the judge on torchvision's model, the worker on the student's), one job each.

Everything the worker runs here is grader code; the student's code runs inside
the model's constructor and ``forward``.
"""
