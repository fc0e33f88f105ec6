"""hw10_lstm (第十题): LSTM from its gates / LSTM 门控."""

from grader.problems.manifest import Policy, Problem, Rule

PROBLEM = Problem(
    module="hw10_lstm",
    zh="LSTM 门控",
    en="LSTM from its gates",
    entry_points=("LSTMCell", "gate_values", "LSTM"),
    policy=Policy(forbid=(Rule(
        code=("torch.nn.modules.rnn.LSTM", "torch.nn.modules.rnn.LSTMCell", "torch.ao.nn.quantizable"),
        ops=("aten::lstm", "aten::lstm_cell", "aten::_thnn_fused_lstm_cell", "aten::quantized_lstm",
             "aten::quantized_lstm_cell", "aten::_cudnn_rnn", "aten::miopen_rnn", "aten::mkldnn_rnn_layer",
             "aten::_lstm_mps"),
        names=("torch.nn.LSTM", "torch.nn.LSTMCell", "torch.nn.modules.rnn.LSTM", "torch.nn.modules.rnn.LSTMCell",
               "torch.lstm", "torch.lstm_cell", "torch._VF", "torch._C._VariableFunctions",
               "torch.ops.aten.lstm", "torch.ops.aten.lstm_cell", "torch.ao.nn.quantizable"),
        zh="nn.LSTM / nn.LSTMCell 是评分用的参考实现, 请用门的公式自己实现",
        en="nn.LSTM / nn.LSTMCell are what the grader compares against; write the gate equations yourself"),)),
)
