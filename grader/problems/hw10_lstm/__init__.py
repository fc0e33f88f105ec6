"""hw10_lstm (第十题): LSTM from its gates / LSTM 门控.

The policy refuses every LSTM that torch ships, however it is reached (checked route by
route with the engine installed, see ``tests/mutants/hw10_lstm.py``):
- ``code``: the Python LSTMs: ``nn.LSTM``/``nn.LSTMCell`` (also through ``__bases__``,
  ``importlib``, ``sys.modules``, an ``nn.RNNBase`` subclass borrowing ``LSTM.forward``),
  the quantizable and dynamic-quantized ones, and the pure-Python decompositions of
  ``aten::lstm`` (``torch._decomp``, also what ``ExpandedWeight`` and ``torch.export`` use);
- ``ops``: the native kernels, forward and backward (``torch.lstm_cell``, ``torch._VF.*``,
  ``torch.ops.aten.*``, fused CUDA/cuDNN/MKLDNN/MPS/MIOpen variants), refused at the
  dispatcher, whatever their namespace (the raw ``torch.ops.quantized.quantized_lstm_cell_dynamic``
  too); the reference quantized modules end there as well;
- ``names``: what the static scan reports by line.
"""

from grader.problems.manifest import Policy, Problem, Rule

_RNN = "torch.nn.modules.rnn"
_DECOMP = "torch._decomp.decompositions"
_DYNAMIC = "torch.ao.nn.quantized.dynamic.modules.rnn"

PROBLEM = Problem(
    module="hw10_lstm",
    zh="LSTM 门控",
    en="LSTM from its gates",
    entry_points=("LSTMCell", "gate_values", "LSTM"),
    policy=Policy(forbid=(Rule(
        code=(f"{_RNN}.LSTM", f"{_RNN}.LSTMCell", "torch.ao.nn.quantizable", f"{_DYNAMIC}.LSTM",
              f"{_DYNAMIC}.LSTMCell", f"{_DECOMP}.lstm_cell", f"{_DECOMP}.one_layer_lstm",
              f"{_DECOMP}.one_layer_lstm_data", f"{_DECOMP}.mkldnn_one_layer_lstm", f"{_DECOMP}.lstm_impl",
              f"{_DECOMP}.lstm_data_impl", "torch.export._patches.one_layer_while_loop_lstm",
              "torch.export._patches.lstm_while_loop_impl"),
        ops=("aten::lstm", "aten::lstm_cell", "aten::_thnn_fused_lstm_cell", "aten::_thnn_fused_lstm_cell_backward",
             "aten::_thnn_fused_lstm_cell_backward_impl", "aten::_thnn_differentiable_lstm_cell_backward",
             "aten::quantized_lstm", "aten::quantized_lstm_cell", "aten::_cudnn_rnn", "aten::_cudnn_rnn_backward",
             "aten::miopen_rnn", "aten::miopen_rnn_backward", "aten::mkldnn_rnn_layer",
             "aten::mkldnn_rnn_layer_backward", "aten::_lstm_mps", "aten::lstm_mps_backward",
             "quantized::quantized_lstm_cell_dynamic"),
        names=("torch.nn.LSTM", "torch.nn.LSTMCell", f"{_RNN}.LSTM", f"{_RNN}.LSTMCell",
               "torch.lstm", "torch.lstm_cell", "torch._VF", "torch._C._VariableFunctions",
               "torch.ops.aten.lstm", "torch.ops.aten.lstm_cell", "torch.ao.nn.quantizable", "torch.nn.quantizable",
               "torch.ao.nn.quantized.dynamic.LSTM", "torch.ao.nn.quantized.dynamic.LSTMCell",
               "torch.nn.quantized.dynamic.LSTM", "torch.nn.quantized.dynamic.LSTMCell",
               "torch.ops.quantized.quantized_lstm_cell_dynamic", f"{_DECOMP}.lstm_cell", f"{_DECOMP}.one_layer_lstm",
               f"{_DECOMP}.lstm_impl"),
        zh="nn.LSTM / nn.LSTMCell 是评分用的参考实现, 请用门的公式自己实现",
        en="nn.LSTM / nn.LSTMCell are what the grader compares against; write the gate equations yourself"),)),
)
