"""Low-rank adapters (LoRA, Hu et al. 2021) for fine-tuning a large encoder into a small model.

Each adapted linear layer keeps its package weights frozen and learns ``W + (alpha / r) B A``
with ``A`` (r x in) and ``B`` (out x r, zero at the start, so training starts from the package's
encoder). A model folder then stores the adapters, biases and LayerNorms, a few megabytes
instead of the encoder's hundreds; on loading they are merged into the weights, so inference
costs what the plain encoder costs.
"""

from __future__ import annotations

import math

import torch
from torch import nn

# The linear layers of each transformer layer that get adapters (BertModel's names).
TARGETS = ("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense")


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.base.weight.requires_grad = False
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))  # as nn.Linear initialises its weight
        self.scale = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_a.T @ self.lora_b.T) * self.scale

    def merged(self) -> nn.Linear:
        """The plain linear layer with the adapter folded into its weight."""
        with torch.no_grad():
            self.base.weight += (self.lora_b @ self.lora_a) * self.scale
        self.base.weight.requires_grad = False
        return self.base


def _adapted(name: str) -> bool:
    return ".layer." in f".{name}" and name.endswith(TARGETS)


def add_lora(encoder: nn.Module, rank: int, alpha: float) -> None:
    """Wrap the encoder's adapted linear layers in :class:`LoRALinear`, in place."""
    for name, module in list(encoder.named_modules()):
        if isinstance(module, nn.Linear) and _adapted(name):
            parent, _, child = name.rpartition(".")
            setattr(encoder.get_submodule(parent), child, LoRALinear(module, rank, alpha))


def merge_lora(encoder: nn.Module) -> None:
    """Fold every adapter into its layer's weight, in place (for inference)."""
    for name, module in list(encoder.named_modules()):
        if isinstance(module, LoRALinear):
            parent, _, child = name.rpartition(".")
            setattr(encoder.get_submodule(parent), child, module.merged())
