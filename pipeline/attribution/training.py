"""Train a tagger on PolNeAR train, select on dev: ``python -m pipeline.attribution.training``.

Fixed seed; a progress bar on a terminal and plain lines in ``RUN/train.log``; a checkpoint
(``RUN/checkpoint.pt``: weights, optimiser, schedule, position) every ``--checkpoint-every``
steps and at each epoch's end, from which a rerun of the same command resumes. After each
epoch the model is scored on dev (the contract's metrics) and the best epoch is written to
``--out`` (``config.json`` + float16 ``weights.safetensors``); :mod:`pipeline.attribution.fitting`
then fits its decoding and confidence calibration on dev.
bfloat16 autocast is used on a GPU (``--device cuda``) and where the CPU has native support
(same losses, about twice as fast). spaCy is needed only to fill the caches of the rules'
readings and dev's sentence starts (``--cache``): with them filled, training runs where
spaCy is not installed.
"""

from __future__ import annotations

import argparse
import logging
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from tqdm import tqdm

from pipeline.attribution.encoders import encoder_package
from pipeline.attribution.features import paint_tags
from pipeline.attribution.grouping import group
from pipeline.attribution.rule_readings import cached_per_article, cached_readings
from pipeline.attribution.tagger import (
    TAGS,
    EncodedArticle,
    Tagger,
    TaggerConfig,
    TaggerModel,
    build_model,
    cpu_has_bf16,
    decode,
    encode_article,
    load_tokenizer,
    save_tagger,
    trained_state,
    window_batch,
    windows,
)
from pipeline.evaluation.attribution import score_corpus
from pipeline.evaluation.polnear import GoldArticle, load_gold
from pipeline.evaluation.scoring import DocScores
from pipeline.schema import Attribution

log = logging.getLogger("quotewise.train")
IGNORE = -100


# --- data ---------------------------------------------------------------------------------


def token_labels(article: EncodedArticle, labels: np.ndarray) -> np.ndarray:
    """Word labels on each word's first token; other pieces are ignored by the loss."""
    out = np.full(len(article.ids), IGNORE, dtype=np.int64)
    out[article.first_token] = labels
    return out


def training_windows(
    gold: list[GoldArticle], tokenizer, config: TaggerConfig, stride: int, readings: dict[str, list[Attribution]],
    teacher: dict[str, np.ndarray] | None = None,
) -> list[tuple[EncodedArticle, np.ndarray, np.ndarray | None, tuple[int, int]]]:
    """Every (article, token labels, token soft targets, window) the training epochs draw
    batches from; soft targets (a teacher's tag probabilities on each word's first token) only
    when ``teacher`` gives each article's word probabilities."""
    out = []
    for g in gold:
        article = encode_article(tokenizer, g.article.text, readings.get(g.article.id))
        if len(article.ids) == 0:
            continue
        labels = token_labels(article, paint_tags(article.word_offsets, g.attributions))
        soft = None
        if teacher is not None:
            soft = np.zeros((len(article.ids), len(TAGS)), dtype=np.float32)
            soft[article.first_token] = teacher[g.article.id]
        out += [(article, labels, soft, span) for span in windows(len(article.ids), config.window - 2, stride)]
    return out


def collate(items, tokenizer) -> tuple[list[torch.Tensor], torch.Tensor, torch.Tensor | None]:
    """A padded batch of windows from several articles (the model's inputs), with their labels
    and, when the items have them, soft targets."""
    width = max(e - s for *_, (s, e) in items) + 2
    inputs = [torch.zeros(len(items), width, dtype=torch.long) for _ in range(4)]  # ids, shapes, rules, mask
    labels = torch.full_like(inputs[0], IGNORE)
    soft = torch.zeros(len(items), width, len(TAGS)) if items[0][2] is not None else None
    for row, (article, token_labels_, token_soft, (s, e)) in enumerate(items):
        one = window_batch(article, [(s, e)], tokenizer.cls_token_id, tokenizer.sep_token_id)
        for tensor, part in zip(inputs, one):
            tensor[row, : part.shape[1]] = part[0]
        labels[row, 1 : e - s + 1] = torch.from_numpy(token_labels_[s:e])
        if soft is not None:
            soft[row, 1 : e - s + 1] = torch.from_numpy(token_soft[s:e])
    return inputs, labels, soft


def teacher_probabilities(
    gold: list[GoldArticle], folder: Path, readings: dict[str, list[Attribution]], cache: Path
) -> dict[str, np.ndarray]:
    """A trained tagger's tag probabilities for every word of every article (distillation
    targets), from ``cache`` or computed once and written there."""
    stored = dict(np.load(cache)) if cache.exists() else {}
    missing = [g for g in gold if g.article.id not in stored]
    if missing:
        tagger = Tagger.load(folder)
        for g in tqdm(missing, desc=f"teacher {folder.name}", unit="article", disable=not sys.stderr.isatty(), file=sys.stderr):
            article = encode_article(tagger.tokenizer, g.article.text, readings.get(g.article.id))
            log_probs = tagger.word_log_probs(article)  # averaged over windows: renormalised below
            probabilities = np.exp(log_probs - log_probs.max(1, keepdims=True))
            stored[g.article.id] = (probabilities / probabilities.sum(1, keepdims=True)).astype(np.float16)
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.with_suffix(".tmp.npz").open("wb") as f:
            np.savez(f, **stored)
        cache.with_suffix(".tmp.npz").replace(cache)
    return {g.article.id: stored[g.article.id].astype(np.float32) for g in gold}


def distillation_loss(logits: torch.Tensor, labels: torch.Tensor, soft: torch.Tensor) -> torch.Tensor:
    """KL divergence from the teacher's tag distribution to the model's, over labelled tokens."""
    keep = labels != IGNORE
    log_q = torch.log_softmax(logits.float(), -1)
    return (soft * (torch.log(soft.clamp_min(1e-8)) - log_q)).sum(-1)[keep].mean()


# --- dev evaluation -----------------------------------------------------------------------


def dev_sentence_starts(gold: list[GoldArticle], folder: str, cache: str) -> dict[str, list[int]]:
    """spaCy's sentence starts of each article of a split (grouping reads them), from the
    split's file in ``cache`` or computed and added to it."""

    def split(missing: list[GoldArticle]) -> dict[str, list[int]]:
        from pipeline.segment import load_nlp

        nlp = load_nlp(("ner", "lemmatizer"))
        return {g.article.id: [s.start_char for s in nlp(g.article.text).sents] for g in missing}

    return cached_per_article(gold, Path(cache) / f"sentences-{Path(folder).name}.json", split)


def dev_log_probs(
    tagger: Tagger, gold: list[GoldArticle], readings: dict[str, list[Attribution]]
) -> dict[str, tuple[EncodedArticle, np.ndarray]]:
    out = {}
    for g in gold:
        article = encode_article(tagger.tokenizer, g.article.text, readings.get(g.article.id))
        out[g.article.id] = (article, tagger.word_log_probs(article))
    return out


def decode_dev(
    cached: dict[str, tuple[EncodedArticle, np.ndarray]], gold: list[GoldArticle], starts: dict[str, list[int]],
    decoding: tuple[float, float, float],
) -> dict[str, list[Attribution]]:
    """Dev predictions from cached tag scores (decoding is cheap; the encoder ran once);
    ``decoding`` is (begin penalty, rescue threshold, minimum confidence)."""
    begin_penalty, rescue_threshold, min_confidence = decoding
    return {
        g.article.id: group(decode(*cached[g.article.id], begin_penalty, rescue_threshold), g.article.text,
                            starts[g.article.id], min_confidence)  # fmt: skip
        for g in gold
    }


def headline(scores: DocScores) -> dict[str, float]:
    """The figures model selection and the card report."""
    out = {f"{r}_exact_f1": round(scores.roles[r]["exact"].f1, 4) for r in ("source", "cue", "content")}
    out["attribution_f1"] = round(scores.attribution.f1, 4)
    return out


def selection_score(h: dict[str, float]) -> float:
    """Attribution F1 plus the three exact F1s: what the issue's thresholds ask for."""
    return h["attribution_f1"] + h["source_exact_f1"] + h["cue_exact_f1"] + h["content_exact_f1"]


# --- training -----------------------------------------------------------------------------


def device_name(device: torch.device) -> str:
    """The GPU's name, or the CPU's: what the card records as the machine that trained."""
    return torch.cuda.get_device_name(device) if device.type == "cuda" else cpu_name()


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def setup_logging(run: Path) -> None:
    run.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(run / "train.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.handlers[:] = [handler, logging.StreamHandler(sys.stderr)]
    log.setLevel(logging.INFO)


def linear_warmup_decay(optimizer: torch.optim.Optimizer, warmup: int, total: int) -> torch.optim.lr_scheduler.LambdaLR:
    """Learning rate rising linearly to its peak over ``warmup`` steps, then falling linearly to 0 at ``total``."""

    def factor(step: int) -> float:
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def train(args: argparse.Namespace) -> Path:
    run = Path(args.run)
    setup_logging(run)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    bf16 = device.type == "cuda" or (cpu_has_bf16() and not args.fp32)
    config = TaggerConfig(encoder=args.encoder, layers=args.layers, window=args.window, stride=args.stride,
                          rule_dim=args.rule_dim, lora_rank=args.lora_rank, lora_alpha=args.lora_alpha,
                          base_int8=args.base_int8)  # fmt: skip
    tokenizer = load_tokenizer(config.encoder)
    train_gold = list(load_gold(args.train))[: args.max_articles]
    dev_gold = list(load_gold(args.dev))[: args.max_dev_articles]
    # A tagger that reads no rules (--rule-dim 0) is trained and scored without them.
    readings = (
        (rule_readings(train_gold, args.train, args.cache), rule_readings(dev_gold, args.dev, args.cache))
        if args.rule_dim else ({}, {})
    )  # fmt: skip
    teacher = None
    if args.teacher:
        # The teacher reads the rules if it was trained to, whatever this model does.
        teacher_readings = readings[0] or rule_readings(train_gold, args.train, args.cache)
        teacher = teacher_probabilities(train_gold, Path(args.teacher), teacher_readings,
                                        Path(args.cache) / f"teacher-{Path(args.teacher).name}-{Path(args.train).name}.npz")
    items = training_windows(train_gold, tokenizer, config, args.train_stride, readings[0], teacher)
    steps_per_epoch = (len(items) + args.batch - 1) // args.batch
    total = steps_per_epoch * args.epochs if args.max_steps is None else min(args.max_steps, steps_per_epoch * args.epochs)
    log.info("%d train articles, %d windows, %d steps/epoch, %d steps; %s, bf16=%s, %s, %d threads",
             len(train_gold), len(items), steps_per_epoch, total, config.encoder, bf16, device_name(device), torch.get_num_threads())

    model = build_model(config).to(device)
    head_params = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("encoder.")]
    encoder_params = [p for n, p in model.named_parameters() if p.requires_grad and n.startswith("encoder.")]
    optimizer = torch.optim.AdamW(
        [{"params": encoder_params, "lr": args.lr}, {"params": head_params, "lr": args.head_lr}], weight_decay=0.01
    )
    schedule = linear_warmup_decay(optimizer, int(0.06 * total), total)
    state = {"step": 0, "best": -1.0, "history": [], "seconds": 0.0}
    checkpoint = run / "checkpoint.pt"
    if checkpoint.exists() and not args.restart:
        saved = torch.load(checkpoint, weights_only=False, map_location="cpu")
        model.load_state_dict(saved["model"], strict=False)
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
        state = saved["state"]
        torch.set_rng_state(saved["rng"])
        log.info("resumed from %s at step %d", checkpoint, state["step"])

    def save_checkpoint() -> None:
        tmp = checkpoint.with_suffix(".tmp")
        torch.save({"model": trained_state(model), "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                    "state": state, "rng": torch.get_rng_state()}, tmp)  # fmt: skip
        tmp.replace(checkpoint)

    starts = dev_sentence_starts(dev_gold, args.dev, args.cache)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)
    bar = tqdm(total=total, initial=state["step"], desc=f"train {args.encoder}", unit="step",
               disable=not sys.stderr.isatty(), file=sys.stderr)  # fmt: skip
    started = time.monotonic() - state["seconds"]
    while state["step"] < total:
        epoch, offset = divmod(state["step"], steps_per_epoch)
        order = np.random.default_rng(args.seed + epoch).permutation(len(items))
        model.train()
        for b in range(offset, steps_per_epoch):
            if state["step"] >= total:
                break
            inputs, labels, soft = collate([items[i] for i in order[b * args.batch : (b + 1) * args.batch]], tokenizer)
            labels = labels.to(device)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
                logits = model(*(t.to(device) for t in inputs))
            loss = loss_fn(logits.float().reshape(-1, logits.shape[-1]), labels.reshape(-1))
            if soft is not None:
                loss = (1 - args.distill) * loss + args.distill * distillation_loss(logits, labels, soft.to(device))
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            state["step"] += 1
            state["seconds"] = time.monotonic() - started
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
            if state["step"] % args.log_every == 0:
                log.info("step %d/%d epoch %d loss %.4f (%.0f s)", state["step"], total, epoch + 1, loss.item(), state["seconds"])
            if state["step"] % args.checkpoint_every == 0:
                save_checkpoint()
        end_of_epoch = state["step"] % steps_per_epoch == 0 or state["step"] >= total
        if end_of_epoch:
            tagger = Tagger([(model, 1.0)], config, device=args.device)
            cached = dev_log_probs(tagger, dev_gold, readings[1])
            scores = score_corpus(dev_gold, decode_dev(cached, dev_gold, starts, (config.begin_penalty, 1.0, 0.0)))
            h = headline(scores.overall)
            state["history"].append({"step": state["step"], "epoch": epoch + 1, **h})
            log.info("dev after epoch %d: %s", epoch + 1, h)
            if selection_score(h) > state["best"]:
                state["best"] = selection_score(h)
                save_file({n: t.cpu().contiguous() for n, t in trained_state(model).items()}, str(run / "best.safetensors"))
                log.info("best so far: kept")
            save_checkpoint()
    bar.close()
    return finish(args, model, config, state, bf16, device_name(device))


def rule_readings(gold: list[GoldArticle], folder: str, cache: str) -> dict[str, list[Attribution]]:
    """The fast rules' readings of a split's articles, cached in ``cache`` per split."""
    return cached_readings(gold, Path(cache) / f"rules-{Path(folder).name}.json", sys.stderr.isatty())


def finish(args, model: TaggerModel, config: TaggerConfig, state, bf16: bool, device: str) -> Path:
    """The best epoch's weights and how they were trained, written to ``--out``. Decoding and
    calibration are fitted on dev afterwards (:mod:`pipeline.attribution.fitting`)."""
    model.load_state_dict(load_file(str(Path(args.run) / "best.safetensors")), strict=False)
    config.trained = {
        "base": encoder_package(config.encoder),
        "data": f"{args.train} ({len(list(load_gold(args.train))[: args.max_articles])} articles); selection on {args.dev}",
        "command": " ".join(["python -m pipeline.attribution.training", *sys.argv[1:]]),
        "seed": args.seed, "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "head_lr": args.head_lr,
        "train_stride": args.train_stride, "steps": state["step"], "wall_seconds": round(state["seconds"]),
        "cpu": cpu_name(), "device": device, "threads": torch.get_num_threads(), "bf16": bf16,
        "lora_rank": args.lora_rank, "dev_history": state["history"],
    }  # fmt: skip
    save_tagger(model, config, Path(args.out))
    log.info("wrote %s", args.out)
    return Path(args.out)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline.attribution.training", description=__doc__.split("\n")[0])
    p.add_argument("--encoder", default="minilm")
    p.add_argument("--layers", type=int, default=0, help="keep the encoder's first N layers (0: all)")
    p.add_argument("--train", default="../shared/polnear/train")
    p.add_argument("--dev", default="../shared/polnear/dev")
    p.add_argument("--out", required=True, help="model folder to write (models/NAME)")
    p.add_argument("--run", required=True, help="folder for the log and checkpoints (outside git)")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=8e-5)
    p.add_argument("--head-lr", type=float, default=1e-3)
    p.add_argument("--window", type=int, default=256)
    p.add_argument("--stride", type=int, default=128, help="window stride at inference")
    p.add_argument("--train-stride", type=int, default=254, help="window stride of the training windows")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--rule-dim", type=int, default=16, help="embedding size of the fast rules' tags (0: no rule input)")
    p.add_argument("--cache", default="runs", help="folder for the rules' cached readings of train and dev, and dev's sentence starts")
    p.add_argument("--max-articles", type=int, help="train on the first N articles only (tests)")
    p.add_argument("--max-dev-articles", type=int, help="select on the first N dev articles only (tests)")
    p.add_argument("--max-steps", type=int, help="stop after N steps (tests)")
    p.add_argument("--checkpoint-every", type=int, default=50)
    p.add_argument("--log-every", type=int, default=10)
    p.add_argument("--fp32", action="store_true", help="no bfloat16 autocast even where the CPU has it")
    p.add_argument("--device", default="cpu", help="torch device to train on (cuda: a GPU, always in bfloat16)")
    p.add_argument("--lora-rank", type=int, default=0, help="train low-rank adapters of this rank, not the encoder (0)")
    p.add_argument("--lora-alpha", type=float, default=32.0, help="the adapters' scale is alpha / rank")
    p.add_argument("--base-int8", action="store_true",
                   help="round the encoder's weight matrices to int8 levels per row (and read the model so)")
    p.add_argument("--teacher", help="model folder whose tag probabilities on train the model also learns (distillation)")
    p.add_argument("--distill", type=float, default=0.5, help="weight of the teacher's targets in the loss (with --teacher)")
    p.add_argument("--restart", action="store_true", help="ignore an existing checkpoint")
    return p


def main(argv: list[str] | None = None) -> int:
    train(build_parser().parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
