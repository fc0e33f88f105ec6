"""第十题 长短期记忆网络 (LSTM) / Problem 10: an LSTM built from its gates.

笔记中的公式 / The notes' equations (σ = sigmoid, ⊙ = element-wise product)::

    i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)      输入门 / input gate
    f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)      遗忘门 / forget gate
    g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)   候选记忆 / candidate memory  (\\tilde{C}_t)
    o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)      输出门 / output gate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                     记忆单元 / cell state
    h_t = o_t ⊙ tanh(c_t)                               隐藏状态 / hidden state

(笔记写作 W_f [h_{t-1}, x_t] + b_f: 把拼接向量乘以一个矩阵, 等价于这里分开的 W_if x_t + W_hf h_{t-1}。
The notes' W_f [h_{t-1}, x_t] + b_f multiplies the concatenation by one matrix; it is the same
as the separate W_if x_t + W_hf h_{t-1} used here.)

参数的布局与 ``torch.nn.LSTMCell`` 完全相同, 评分时会把 PyTorch 的权重复制进你的模型:
The parameters are laid out exactly as in ``torch.nn.LSTMCell``; the grader copies PyTorch's
weights into your model and compares outputs, final states and gradients:

    weight_ih  [4·H, input_size]   = [W_ii; W_if; W_ig; W_io]   (门的顺序 / gate order i, f, g, o)
    weight_hh  [4·H, H]            = [W_hi; W_hf; W_hg; W_ho]
    bias_ih, bias_hh  [4·H]        (bias=False 时没有 / absent when bias=False)

约定 / Conventions:
- 输入 x 为 ``[N, input_size]`` (单元) 或 ``[N, T, input_size]`` (``batch_first=True``, 本课程默认)
  / ``[T, N, input_size]`` (``batch_first=False``)。
  x is ``[N, input_size]`` for the cell, ``[N, T, input_size]`` for the LSTM with
  ``batch_first=True`` (this course's default) and ``[T, N, input_size]`` otherwise.
- ``state=None`` 表示全零的初始状态, 其 dtype 与 device 必须和输入 x 相同 (不要在 CPU 上创建!)。
  ``state=None`` means zero initial states with the input's dtype and device (never create
  them on the CPU when x is on CUDA).
- 不能调用 ``nn.LSTM``、``nn.LSTMCell``、``torch.lstm``、``torch.lstm_cell`` 等现成实现,
  评分会检查源代码, 运行时也会拦截。 / Do not call ``nn.LSTM``, ``nn.LSTMCell``,
  ``torch.lstm``, ``torch.lstm_cell`` or their aliases: the grader checks the source and
  blocks them while your code runs.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

# weight_ih / weight_hh 中 4 个块的顺序 / order of the 4 blocks of weight_ih and weight_hh
GATE_ORDER = ("input", "forget", "candidate", "output")  # i, f, g, o


class LSTMCell(nn.Module):
    """一个 LSTM 单元, 计算一个时间步 / One LSTM cell: one time step.

    ``forward(x, state=None) -> (h_t, c_t)``: x ``[N, input_size]``, state ``(h, c)`` each
    ``[N, H]`` (None: zeros of x's dtype and device); h_t, c_t each ``[N, H]``.
    Same parameters and results as ``torch.nn.LSTMCell(input_size, hidden_size, bias)``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__()
        # 已提供: 参数声明 (名字和形状与 nn.LSTMCell 相同) / provided: the parameters
        # (names and shapes as in nn.LSTMCell).
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden_size, hidden_size))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size))
            self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """与 PyTorch 相同的初始化 / PyTorch's initialisation: U(-1/√H, 1/√H)."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    def forward(self, x: Tensor, state: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """一个时间步 / One step: returns ``(h_t, c_t)``."""
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError


def gate_values(cell: LSTMCell, x: Tensor, state: tuple[Tensor, Tensor] | None = None) -> dict[str, Tensor]:
    """一个时间步中各门的值 / The gates of one step of ``cell``.

    返回 / Returns ``{"input": i_t, "forget": f_t, "candidate": g_t, "output": o_t,
    "cell": c_t, "hidden": h_t}``, each ``[N, H]``, as the notes' formulas give them
    (i, f, o after the sigmoid, g after the tanh). ``state=None``: zeros of x's dtype and device.
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


class LSTM(nn.Module):
    """单层 LSTM, 在序列上反复使用 ``self.cell`` / A one-layer LSTM: ``self.cell`` over a sequence.

    ``forward(x, state=None) -> (output, (h_n, c_n))``:
    x ``[N, T, input_size]`` (``batch_first=True``) or ``[T, N, input_size]``;
    state ``(h_0, c_0)`` each ``[1, N, H]`` as in ``torch.nn.LSTM`` (None: zeros of x's dtype
    and device); output ``[N, T, H]`` (or ``[T, N, H]``) holds h_t of every step;
    h_n, c_n each ``[1, N, H]``. Equals ``torch.nn.LSTM(input_size, hidden_size,
    batch_first=batch_first)`` with the same weights, gradients included.
    """

    def __init__(self, input_size: int, hidden_size: int, batch_first: bool = True) -> None:
        super().__init__()
        # 已提供 / provided
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.batch_first = batch_first
        self.cell = LSTMCell(input_size, hidden_size)

    def forward(self, x: Tensor, state: tuple[Tensor, Tensor] | None = None
                ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """整个序列 / The whole sequence: returns ``(output, (h_n, c_n))``."""
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError


if __name__ == "__main__":
    torch.manual_seed(0)
    lstm = LSTM(3, 5)
    out, (h_n, c_n) = lstm(torch.randn(2, 7, 3))
    print("output", tuple(out.shape), "h_n", tuple(h_n.shape), "c_n", tuple(c_n.shape))
    print({k: tuple(v.shape) for k, v in gate_values(lstm.cell, torch.randn(2, 3)).items()})
