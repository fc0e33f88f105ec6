from tests.mutants import Mutant

P = "hw10_lstm"

_LSTM_LOOP = """        step_state = None  # the cell starts from zeros of x's dtype and device
        if state is not None:
            h_0, c_0 = state
            step_state = (h_0[0], c_0[0])  # [1, N, H] -> [N, H]
        outputs = []
        for x_t in steps.unbind(0):
            h, c = self.cell(x_t, step_state)
            step_state = (h, c)
            outputs.append(h)
        output = torch.stack(outputs, dim=1 if self.batch_first else 0)
        return output, (h.unsqueeze(0), c.unsqueeze(0))"""

_CELL_FORWARD = """        values = gate_values(self, x, state)
        return values["hidden"], values["cell"]"""

MUTANTS = [
    # --- the gate equations -------------------------------------------------------
    Mutant(P, "gates_wrong_order", old="z_i, z_f, z_g, z_o = z.chunk(4, dim=-1)",
           new="z_i, z_f, z_o, z_g = z.chunk(4, dim=-1)",
           why="reads the blocks as i, f, o, g (another framework's order), not torch's i, f, g, o"),
    Mutant(P, "forget_input_swapped", old="z_i, z_f, z_g, z_o = z.chunk(4, dim=-1)",
           new="z_f, z_i, z_g, z_o = z.chunk(4, dim=-1)", why="forget gate first, then input gate"),
    Mutant(P, "no_tanh_on_c", old="h = o * torch.tanh(c)", new="h = o * c",
           why="h_t = o_t ⊙ c_t: forgets the tanh on the cell state"),
    Mutant(P, "sigmoid_candidate", old="g = torch.tanh(z_g)", new="g = torch.sigmoid(z_g)",
           why="the candidate memory through a sigmoid like the gates, not tanh"),
    Mutant(P, "c_update_uses_h", old="c = f * c_prev + i * g", new="c = f * h_prev + i * g",
           why="the forget gate multiplies h_{t-1} instead of c_{t-1}"),
    Mutant(P, "one_bias_only", old="z = z + cell.bias_ih + cell.bias_hh", new="z = z + cell.bias_ih",
           why="adds bias_ih but forgets bias_hh"),
    Mutant(P, "bias_always_added", old="    if cell.bias_ih is not None:\n        z = z + cell.bias_ih + cell.bias_hh",
           new="    z = z + cell.bias_ih + cell.bias_hh", why="bias=False cell still adds its (None) biases"),
    Mutant(P, "gate_values_before_activation",
           old='return {"input": i, "forget": f, "candidate": g, "output": o, "cell": c, "hidden": h}',
           new='return {"input": z_i, "forget": z_f, "candidate": z_g, "output": z_o, "cell": c, "hidden": h}',
           why="gate_values reports the pre-activations instead of σ(…) / tanh(…)"),
    Mutant(P, "inplace_cell_update", old="c = f * c_prev + i * g", new="c = c_prev.mul_(f).add_(i * g)",
           why="updates c in place, overwriting the caller's c_0"),
    # --- the default state ------------------------------------------------------------
    Mutant(P, "state_float32_on_cpu", old="zeros = x.new_zeros(*x.shape[:-1], cell.hidden_size)",
           new="zeros = torch.zeros(x.shape[0], cell.hidden_size)",
           why="default state created with torch.zeros: float32, on the CPU, whatever the input"),
    # --- the sequence -------------------------------------------------------------------
    Mutant(P, "h_n_without_layer_dim", old="return output, (h.unsqueeze(0), c.unsqueeze(0))",
           new="return output, (h, c)", why="h_n, c_n returned as [N, H] instead of [1, N, H]"),
    Mutant(P, "batch_first_ignored", old="steps = x.transpose(0, 1) if self.batch_first else x",
           new="steps = x", why="loops over dim 0 of a batch-first input (time and batch mixed up)"),
    Mutant(P, "given_state_ignored", old="step_state = (h_0[0], c_0[0])  # [1, N, H] -> [N, H]",
           new="step_state = None", why="unpacks (h_0, c_0) but starts from zeros anyway"),
    Mutant(P, "output_holds_c", old="            outputs.append(h)", new="            outputs.append(c)",
           why="output collects c_t instead of h_t"),
    Mutant(P, "state_detached_each_step", old="            step_state = (h, c)",
           new="            step_state = (h.detach(), c.detach())",
           why="detaches the state between steps (truncated BPTT): wrong gradients"),
    Mutant(P, "state_kept_between_calls", old=_LSTM_LOOP,
           new=_LSTM_LOOP.replace(
               "        step_state = None  # the cell starts from zeros of x's dtype and device",
               "        step_state = getattr(self, '_carry', None)  # a 'stateful' LSTM").replace(
               "        output = torch.stack(",
               "        self._carry = (h.detach(), c.detach())\n        output = torch.stack("),
           why="keeps the last state in the module and starts the next call from it"),
    # --- using the oracle ---------------------------------------------------------------
    Mutant(P, "calls_torch_lstm_cell", old=_CELL_FORWARD,
           new="""        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        return torch.lstm_cell(x, state, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)""",
           why="delegates the cell to torch.lstm_cell"),
    Mutant(P, "delegates_to_nn_lstmcell", old=_CELL_FORWARD,
           new="""        ref = nn.LSTMCell(self.input_size, self.hidden_size, bias=self.bias).to(x)
        ref.load_state_dict(self.state_dict())
        return ref(x, state)""",
           why="copies its weights into an nn.LSTMCell and calls it"),
    Mutant(P, "lstm_via_torch_vf", old=_LSTM_LOOP,
           new="""        from torch import _VF
        if state is None:
            zeros = x.new_zeros(1, x.shape[0 if self.batch_first else 1], self.hidden_size)
            state = (zeros, zeros)
        c = self.cell
        output, h_n, c_n = _VF.lstm(x, state, [c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh],
                                    True, 1, 0.0, self.training, False, self.batch_first)
        return output, (h_n, c_n)""",
           why="calls the private alias torch._VF.lstm"),
    Mutant(P, "hidden_lstm_cell_lookup", old=_CELL_FORWARD,
           new="""        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        op = getattr(getattr(torch, "_" + "VF"), "".join(["ls", "tm_c", "ell"]))
        return op(x, state, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)""",
           why="reaches torch._VF.lstm_cell through computed names (only the runtime guard sees it)"),
    Mutant(P, "aten_op_lstm_cell", old=_CELL_FORWARD,
           new="""        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        h, c = torch.ops.aten.lstm_cell(x, list(state), self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h, c""",
           why="calls the ATen operator torch.ops.aten.lstm_cell directly"),
    Mutant(P, "importlib_nn_lstm", old=_LSTM_LOOP,
           new="""        import importlib
        rnn = importlib.import_module("torch.nn.modules." + "rnn")
        ref = getattr(rnn, "LS" + "TM")(self.input_size, self.hidden_size, batch_first=self.batch_first).to(x)
        c = self.cell
        weights = {"weight_ih_l0": c.weight_ih, "weight_hh_l0": c.weight_hh,
                   "bias_ih_l0": c.bias_ih, "bias_hh_l0": c.bias_hh}
        return torch.func.functional_call(ref, weights, (x, state))""",
           why="loads nn.LSTM through importlib and a built name, and runs it with the cell's weights"),
    Mutant(P, "lstmcell_through_bases", old=_CELL_FORWARD,
           new="""        class Peek(getattr(nn, "LSTM" + "Cell")):
            pass
        ref = Peek.__bases__[0](self.input_size, self.hidden_size, bias=self.bias).to(x)
        return torch.func.functional_call(ref, dict(self.named_parameters()), (x, state))""",
           why="recovers nn.LSTMCell as the base class of a subclass (a guard that were a subclass would not see it)"),
    Mutant(P, "rnnbase_mode_lstm", old=_LSTM_LOOP,
           new="""        class Fused(nn.RNNBase):  # nn.LSTM's machinery without the class nn.LSTM
            def forward(self, x, state, weights):
                return getattr(torch, "_V" + "F").lstm(x, state, weights, True, 1, 0.0, False, False, self.batch_first)

        if state is None:
            zeros = x.new_zeros(1, x.shape[0 if self.batch_first else 1], self.hidden_size)
            state = (zeros, zeros)
        c = self.cell
        fused = Fused("LSTM", self.input_size, self.hidden_size, batch_first=self.batch_first).to(x)
        output, h_n, c_n = fused(x, state, [c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh])
        return output, (h_n, c_n)""",
           why="subclasses nn.RNNBase with mode 'LSTM' and runs torch's fused LSTM kernel"),
    Mutant(P, "quantizable_lstm_cell", old=_CELL_FORWARD,
           new="""        import importlib
        ref = importlib.import_module("torch.ao.nn.quantiz" + "able").LSTMCell(
            self.input_size, self.hidden_size, bias=self.bias).to(x)
        weights = {"igates.weight": self.weight_ih, "hgates.weight": self.weight_hh}
        if self.bias:
            weights.update({"igates.bias": self.bias_ih, "hgates.bias": self.bias_hh})
        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        return torch.func.functional_call(ref, weights, (x, state))""",
           why="runs the pure-Python LSTMCell of torch.ao.nn.quantizable with the cell's weights"),
    Mutant(P, "decomposition_lstm_cell", old=_CELL_FORWARD,
           new="""        import importlib
        decompositions = importlib.import_module("torch._decomp." + "decompositions")
        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        x_part = nn.functional.linear(x, self.weight_ih, self.bias_ih)
        return decompositions.lstm_cell(x_part, state[0], state[1], self.weight_hh, self.bias_hh, None, 1)""",
           why="borrows the pure-Python LSTM cell torch keeps for its decompositions"),
    Mutant(P, "quantized_dynamic_op", old=_CELL_FORWARD,
           new="""        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        ops, f = torch.ops.quantized, (lambda t: None if t is None else t.detach().float())
        w_ih = ops.linear_prepack_fp16(f(self.weight_ih), f(self.bias_ih))
        w_hh = ops.linear_prepack_fp16(f(self.weight_hh), f(self.bias_hh))
        h, c = ops.quantized_lstm_cell_dynamic(f(x), [f(s) for s in state], w_ih, w_hh,
                                               f(self.bias_ih), f(self.bias_hh))
        return h.to(x.dtype), c.to(x.dtype)""",
           why="the dynamic-quantized LSTM cell operator (not refused: the policy blocks aten ops only); "
               "float16 weights and no gradients lose the points"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "gates_wrong_order",
    "no_tanh_on_c",
    "batch_first_ignored",
    "state_detached_each_step",
    "lstmcell_through_bases",
    "lstm_via_torch_vf",
    "aten_op_lstm_cell",
)
