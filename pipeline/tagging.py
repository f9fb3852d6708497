"""The transformer tagger: an uncased MiniLM encoder plus word-shape features and a tag head.

Articles are tokenised whole and run in overlapping windows, so a content that crosses a
sentence or paragraph break is one tagged run. The uncased encoder cannot see capitals or
line breaks, which mark names (sources) and paragraph-initial quotes; a small embedding of
each token's shape (case, word start, newline before) concatenated to the encoder output
brings that back without spaCy.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizerFast

from pipeline.decoding import TAGS, RoleRange, tags_to_ranges, viterbi

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

CASES = ("lower", "title", "upper", "mixed", "none")
N_SHAPES = len(CASES) * 2 * 2  # case x word start x newline before
SHAPE_DIM = 32


def _case(piece: str) -> int:
    letters = [c for c in piece if c.isalpha()]
    if not letters:
        return 4
    if all(c.islower() for c in letters):
        return 0
    if all(c.isupper() for c in letters):
        return 2 if len(letters) > 1 else 1
    return 1 if letters[0].isupper() and all(c.islower() for c in letters[1:]) else 3


def shape_ids(text: str, offsets: np.ndarray) -> np.ndarray:
    """One shape id per token, read from the original (cased) characters it covers."""
    out = np.empty(len(offsets), dtype=np.int64)
    for i, (s, e) in enumerate(offsets):
        before = text[s - 1] if s > 0 else "\n"
        word_start = before.isspace()
        gap_start = s
        while gap_start > 0 and text[gap_start - 1].isspace():
            gap_start -= 1
        newline = s == 0 or "\n" in text[gap_start:s]
        out[i] = (_case(text[s:e]) * 2 + word_start) * 2 + newline
    return out


@dataclass
class Encoded:
    """A whole article as subword tokens (no special tokens)."""

    ids: np.ndarray
    offsets: np.ndarray  # (tokens, 2) character offsets
    shapes: np.ndarray


def encode(tokenizer: BertTokenizerFast, text: str) -> Encoded:
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, return_attention_mask=False)
    offsets = np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2)
    return Encoded(np.asarray(enc["input_ids"], dtype=np.int64), offsets, shape_ids(text, offsets))


def windows(n_tokens: int, size: int, stride: int) -> list[tuple[int, int]]:
    """``[start, end)`` token windows of at most ``size`` covering ``n_tokens``, ``stride`` apart."""
    if n_tokens <= size:
        return [(0, n_tokens)]
    starts = list(range(0, n_tokens - size, stride)) + [n_tokens - size]
    return [(s, s + size) for s in starts]


class TaggerModel(nn.Module):
    """Encoder output ++ shape embedding -> linear layer over the BIO tags."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.shape = nn.Embedding(N_SHAPES, SHAPE_DIM)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.head = nn.Linear(config.hidden_size + SHAPE_DIM, len(TAGS))

    def forward(self, ids: torch.Tensor, shapes: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        return self.head(self.dropout(torch.cat([hidden, self.shape(shapes)], dim=-1)))


def batch_windows(
    enc: Encoded, spans: list[tuple[int, int]], cls_id: int, sep_id: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Padded ``[CLS] window [SEP]`` tensors (ids, shapes, mask) for token windows of one article."""
    width = max(e - s for s, e in spans) + 2
    ids = torch.zeros(len(spans), width, dtype=torch.long)
    shapes = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for row, (s, e) in enumerate(spans):
        n = e - s
        ids[row, : n + 2] = torch.as_tensor(np.concatenate([[cls_id], enc.ids[s:e], [sep_id]]))
        shapes[row, 1 : n + 1] = torch.as_tensor(enc.shapes[s:e])
        mask[row, : n + 2] = 1
    return ids, shapes, mask


class Tagger:
    """Tokeniser + one or more fine-tuned models (an ensemble averages their log-probabilities)."""

    def __init__(self, tokenizer: BertTokenizerFast, models: list[TaggerModel], size: int = 256, stride: int = 192):
        self.tokenizer, self.models, self.size, self.stride = tokenizer, models, size, stride
        for m in models:
            m.eval()

    @torch.inference_mode()
    def log_probs(self, text: str, batch: int = 16) -> tuple[Encoded, np.ndarray]:
        """Per-token log-probabilities, averaged over the windows (and models) that see a token."""
        enc = encode(self.tokenizer, text)
        n = len(enc.ids)
        total = np.zeros((n, len(TAGS)), dtype=np.float32)
        seen = np.zeros((n, 1), dtype=np.float32)
        spans = windows(n, self.size - 2, self.stride)
        for i in range(0, len(spans), batch):
            chunk = spans[i : i + batch]
            ids, shapes, mask = batch_windows(enc, chunk, self.tokenizer.cls_token_id, self.tokenizer.sep_token_id)
            out = sum(torch.log_softmax(m(ids, shapes, mask).float(), -1) for m in self.models) / len(self.models)
            for row, (s, e) in enumerate(chunk):
                total[s:e] += out[row, 1 : e - s + 1].numpy()
                seen[s:e] += 1
        return enc, total / np.maximum(seen, 1)

    def ranges(self, text: str) -> tuple[list[RoleRange], list[float]]:
        """Decoded role ranges and, for each, the mean probability of its tokens' tags."""
        if not text.strip():
            return [], []
        enc, lp = self.log_probs(text)
        tags = viterbi(lp)
        picked = np.exp(lp[np.arange(len(tags)), tags])
        out, conf = [], []
        for role, s, e in tags_to_ranges(tags, enc.offsets):
            a, b = np.searchsorted(enc.offsets[:, 0], [s, e])
            out.append((role, s, e))
            conf.append(float(picked[a:b].mean()) if b > a else 0.0)
        return out, conf


def save_model(model: TaggerModel, folder: Path) -> None:
    """fp16 safetensors + the encoder config: all a later load needs besides the tokenizer."""
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(folder / "tagger.safetensors"))
    model.encoder.config.to_json_file(str(folder / "config.json"))


def load_model(folder: Path, weights: str = "tagger.safetensors") -> TaggerModel:
    config = BertConfig.from_json_file(str(folder / "config.json"))
    model = TaggerModel(config)
    state = {k: v.float() for k, v in load_file(str(folder / weights)).items()}
    model.load_state_dict(state)
    return model


def load_tagger(folder: Path) -> Tagger:
    """A tagger from ``models/<name>/``: tokenizer files, config, ``tagger*.safetensors``, settings."""
    settings = json.loads((folder / "tagger.json").read_text())
    tokenizer = BertTokenizerFast.from_pretrained(str(folder))
    models = [load_model(folder, w) for w in settings["weights"]]
    return Tagger(tokenizer, models, settings["size"], settings["stride"])
