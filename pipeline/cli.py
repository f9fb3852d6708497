"""The ``quotewise`` command: argument parsing only; each subcommand calls one stage's function."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from pipeline.startup import prepare_to_parse


def iso_date(value: str) -> dt.date:
    """An ISO date argument, refused by argparse (exit 2) when malformed."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quotewise", description="Who said what in news articles.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="write one JSON line per attribution")
    add_batch_arguments(
        p,
        inputs_help="folders of .txt, .txt files, JSONL or Parquet files, or - for stdin; "
        "with --engine ray: JSONL or Parquet shard files, or folders of them",
        output_help="records to write: JSON Lines, or typed Parquet when it ends in .parquet; "
        "with --engine ray: the folder of output shards",
        jobs_help="worker processes (default 1); with --engine ray: CPUs of the local Ray (default all)",
    )
    p.add_argument("-m", "--model", default="default", help="default (tagger), accurate (tagger ensemble) or fast (rules)")
    p.add_argument("--engine", choices=("local", "ray"), default="local", help="local processes, or Ray (pip install 'quotewise[ray]')")
    p.add_argument("--address", help="--engine ray: the cluster to join (host:port, ray://host:10001, or auto); default a local Ray")
    p.add_argument("--actors", type=int, help="--engine ray: pipeline actors, each one CPU (default: the cluster's CPUs)")
    p.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl", help="--engine ray: output shard format")

    p = sub.add_parser("eval", help="score an extractor against a PolNeAR-style gold folder")
    p.add_argument("gold", help="gold folder (brat .ann beside .txt, or PolNeAR's text/ + attributions/)")
    p.add_argument("-m", "--model", default="default", help="model to run on the gold texts")
    p.add_argument("-p", "--predictions", help="score this records JSONL instead of running a model")
    p.add_argument("--out", default="eval/results", help="folder for the JSON and markdown reports")
    p.add_argument("--name", help="report name (default: the model name)")

    p = sub.add_parser("eval-index", help="score the cross-article index against the claim gold")
    p.add_argument("gold", nargs="?", help="gold claims JSONL (default: corpus/gold/claims.jsonl)")
    p.add_argument("-m", "--model", default="default", help="model to run on the gold's articles")
    p.add_argument("-p", "--predictions", help="index this records JSONL instead of running a model")
    p.add_argument("--out", default="eval/results", help="folder for index.json and index.md")

    p = sub.add_parser("summary", help="print a readable who-said-what from a records JSONL")
    p.add_argument("records", help="records JSONL written by extract")

    p = sub.add_parser("view", help="write a static HTML review site: highlighted articles, speakers, claims")
    p.add_argument("records", nargs="+", help="records JSONL files written by extract")
    p.add_argument("-o", "--output", required=True, help="folder to write the site in (open its index.html)")
    p.add_argument("--articles", nargs="+", help="the inputs extract read (folders of .txt, .txt or JSONL files), to show the text")
    p.add_argument("--index", help="folder written by quotewise index (speakers.jsonl, claims.jsonl, figures.jsonl)")

    p = sub.add_parser("index", help="index records across articles: speakers, claim clusters, figure groups")
    p.add_argument("records", nargs="+", help="records JSONL files written by extract")
    p.add_argument("-o", "--output", required=True, help="folder for speakers.jsonl, claims.jsonl, figures.jsonl, errors.jsonl")
    p.add_argument("--articles", nargs="+", help="the inputs extract read (for the narration's figures and the outlets)")
    p.add_argument("--metadata", help="TSV of doc id and outlet (default: a metadata.tsv beside or above the articles)")
    p.add_argument("-q", "--quiet", action="store_true", help="print no summary")

    for name, what in (("times", "time expression"), ("numbers", "quantity")):
        p = sub.add_parser(name, help=f"annotate every {what} in each article, one JSON line each")
        add_batch_arguments(p, output_help=f"JSONL to write, one {what} a line")
    return parser


def add_batch_arguments(
    p: argparse.ArgumentParser,
    output_help: str,
    inputs_help: str = "folders of .txt, .txt files, JSONL or Parquet files (id, text, optional date), or - for stdin",
    jobs_help: str = "worker processes (default 1)",
) -> None:
    """What extract, times and numbers share: inputs, output, errors, resume, jobs, progress, date."""
    p.add_argument("inputs", nargs="+", help=inputs_help)
    p.add_argument("-o", "--output", required=True, help=output_help)
    p.add_argument("-j", "--jobs", type=int, help=jobs_help)
    p.add_argument("--resume", action="store_true", help="continue a crashed or interrupted run: skip articles already written")
    p.add_argument("--errors", help="where to report bad articles (default: OUTPUT.errors.jsonl)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("--date", type=iso_date, help="publication date (YYYY-MM-DD) of articles that carry none, e.g. .txt files")


def batch_options(args: argparse.Namespace) -> dict:
    return {"jobs": args.jobs or 1, "resume": args.resume, "errors": args.errors, "progress": not args.no_progress, "date": args.date}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "extract" and args.engine == "local" and (args.address or args.actors or args.format != "jsonl"):
        parser.error("--address, --actors and --format go with --engine ray")
    if args.command == "extract" and args.engine == "ray" and (args.resume or args.errors):
        parser.error("--engine ray always resumes (finished shards are skipped) and writes errors beside each shard")
    if runs_spacy(args):
        prepare_to_parse()
    try:
        return run(args)
    except KeyboardInterrupt:  # before a batch started (loading models); a batch says more itself
        print("quotewise: interrupted", file=sys.stderr)
        return 130


def runs_spacy(args: argparse.Namespace) -> bool:
    """Whether this process parses text with spaCy (the others need not load thinc at all; the
    workers of ``-j N`` and Ray's actors see to their own)."""
    if args.command == "index":
        return bool(args.articles)
    if args.command in ("extract", "numbers"):
        return getattr(args, "engine", "local") == "local" and (args.jobs or 1) == 1
    return args.command in ("eval", "eval-index")


def run(args: argparse.Namespace) -> int:
    """Call the subcommand's one function."""
    if args.command == "extract" and args.engine == "ray":
        from pipeline.io.ray_runner import run_ray_extract

        return run_ray_extract(
            args.inputs, args.output, model=args.model, address=args.address, actors=args.actors, cpus=args.jobs,
            fmt=args.format, date=args.date, progress=not args.no_progress,
        )  # fmt: skip
    if args.command == "extract":
        from pipeline.io.batch import run_extract

        return run_extract(args.inputs, args.output, model=args.model, **batch_options(args))
    if args.command == "eval":
        from pipeline.evaluation.attribution import run_eval

        return run_eval(args.gold, model=args.model, predictions=args.predictions, out_dir=args.out, name=args.name)
    if args.command == "eval-index":
        from pipeline.evaluation.index import run_eval_index

        return run_eval_index(args.gold, model=args.model, predictions=args.predictions, out_dir=args.out)
    if args.command == "summary":
        from pipeline.io.summary import print_summary

        return print_summary(args.records)
    if args.command == "view":
        from pipeline.review.site import write_site

        return write_site(args.records, args.output, articles=args.articles, index=args.index)
    if args.command == "index":
        from pipeline.index.build import run_index

        return run_index(args.records, args.output, articles=args.articles, metadata=args.metadata, quiet=args.quiet)
    if args.command in ("times", "numbers"):
        from pipeline.io.batch import run_batch
        from pipeline.io.figures import STEPS

        return run_batch(args.inputs, args.output, STEPS[args.command], args.command, **batch_options(args))
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
