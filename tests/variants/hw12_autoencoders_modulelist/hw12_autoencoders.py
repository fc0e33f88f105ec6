"""A correct hw12 arranged differently: nn.ModuleList layers, functional activations, a ReLU
on the code, noise from torch.normal, epochs of shuffled batches, nn.MSELoss.
It must get full marks (the contract allows an activation on the code)."""

import torch
import torch.nn.functional as F
from torch import nn


class AutoEncoder(nn.Module):
    def __init__(self, in_features=784, hidden=(256, 64)):
        super().__init__()
        sizes = [in_features] + list(hidden)
        self.down = nn.ModuleList(nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(hidden)))
        self.up = nn.ModuleList(nn.Linear(sizes[i + 1], sizes[i]) for i in reversed(range(len(hidden))))

    def encode(self, x):
        for layer in self.down:
            x = F.relu(layer(x))  # a ReLU on the code too
        return x

    def decode(self, z):
        for i, layer in enumerate(self.up):
            z = layer(z)
            z = torch.sigmoid(z) if i == len(self.up) - 1 else F.relu(z)
        return z

    def forward(self, x):
        return self.decode(self.encode(x))


class DenoisingAutoEncoder(AutoEncoder):
    def __init__(self, in_features=784, hidden=(256, 64), noise_std=0.3):
        super().__init__(in_features, hidden)
        self.noise_std = noise_std

    def corrupt(self, x):
        return torch.normal(x, self.noise_std)

    def forward(self, x):
        return super().forward(self.corrupt(x) if self.training else x)


def train_autoencoder(model, data, *, steps=300, lr=1e-3, batch=64, seed=0):
    torch.manual_seed(seed)
    criterion = nn.MSELoss()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train(True)
    losses, order = [], torch.empty(0, dtype=torch.long)
    while len(losses) < steps:
        if len(order) < batch:
            order = torch.randperm(len(data))
        idx, order = order[:batch], order[batch:]
        x = data[idx.to(data.device)]
        loss = criterion(model(x), x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss))
    model.train(False)
    return losses
