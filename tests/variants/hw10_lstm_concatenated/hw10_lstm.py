"""第十题 长短期记忆网络 (LSTM) / Problem 10: an LSTM built from its gates.

(tests/variants: a correct hw10_lstm arranged differently from the reference: the notes'
concatenated [h, x] form, sliced gates, sigmoid-based tanh, time-major loop. Full marks.)

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
        return _step(self, x, state)[-2:][::-1]


def gate_values(cell: LSTMCell, x: Tensor, state: tuple[Tensor, Tensor] | None = None) -> dict[str, Tensor]:
    """一个时间步中各门的值 / The gates of one step of ``cell``.

    返回 / Returns ``{"input": i_t, "forget": f_t, "candidate": g_t, "output": o_t,
    "cell": c_t, "hidden": h_t}``, each ``[N, H]``, as the notes' formulas give them
    (i, f, o after the sigmoid, g after the tanh). ``state=None``: zeros of x's dtype and device.
    """
    i, f, g, o, c, h = _step(cell, x, state)
    return dict(zip(("input", "forget", "candidate", "output", "cell", "hidden"), (i, f, g, o, c, h)))


def _sigmoid(z: Tensor) -> Tensor:
    return torch.special.expit(z)


def _step(cell: LSTMCell, x: Tensor, state):
    """The notes' form: one matrix W = [W_hh | W_ih] times the concatenation [h_{t-1}, x_t]."""
    n, hidden = x.shape[0], cell.hidden_size
    if state is None:
        h_prev = c_prev = torch.zeros(n, hidden, dtype=x.dtype, device=x.device)
    else:
        h_prev, c_prev = state
    w = torch.cat([cell.weight_hh, cell.weight_ih], dim=1)
    z = torch.cat([h_prev, x], dim=1) @ w.t()
    if cell.bias:
        z = z + (cell.bias_ih + cell.bias_hh)
    i = _sigmoid(z[:, :hidden])
    f = _sigmoid(z[:, hidden:2 * hidden])
    g = 2 * _sigmoid(2 * z[:, 2 * hidden:3 * hidden]) - 1  # tanh
    o = _sigmoid(z[:, 3 * hidden:])
    c = f * c_prev + i * g
    h = o * (2 * _sigmoid(2 * c) - 1)
    return i, f, g, o, c, h


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
        seq = x if not self.batch_first else x.permute(1, 0, 2)  # time first
        if state is None:
            h = c = torch.zeros(seq.shape[1], self.hidden_size, dtype=x.dtype, device=x.device)
        else:
            h, c = state[0][0], state[1][0]
        hs = []
        for t in range(seq.shape[0]):
            h, c = self.cell(seq[t], (h, c))
            hs.append(h)
        out = torch.stack(hs)  # [T, N, H]
        if self.batch_first:
            out = out.permute(1, 0, 2)
        return out, (h[None], c[None])


if __name__ == "__main__":  # a student's own comparison with torch: allowed here, never run by the grader
    torch.manual_seed(0)
    mine, ref = LSTM(3, 5), nn.LSTM(3, 5, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(ref, name + "_l0").copy_(getattr(mine.cell, name))
    x = torch.randn(2, 7, 3)
    print("max difference from nn.LSTM:", (mine(x)[0] - ref(x)[0]).abs().max().item())
