"""The ``quotewise`` command: argument parsing only; each subcommand calls one stage's function."""

from __future__ import annotations

import argparse
import datetime as dt
import sys


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
    add_batch_arguments(p, "records JSONL to write")
    p.add_argument("-m", "--model", default="default", help="default (tagger), accurate (tagger ensemble) or fast (rules)")

    p = sub.add_parser("eval", help="score an extractor against a PolNeAR-style gold folder")
    p.add_argument("gold", help="gold folder (brat .ann beside .txt, or PolNeAR's text/ + attributions/)")
    p.add_argument("-m", "--model", default="default", help="model to run on the gold texts")
    p.add_argument("-p", "--predictions", help="score this records JSONL instead of running a model")
    p.add_argument("--out", default="eval/results", help="folder for the JSON and markdown reports")
    p.add_argument("--name", help="report name (default: the model name)")

    p = sub.add_parser("summary", help="print a readable who-said-what from a records JSONL")
    p.add_argument("records", help="records JSONL written by extract")

    for name, what in (("times", "time expression"), ("numbers", "quantity")):
        p = sub.add_parser(name, help=f"annotate every {what} in each article, one JSON line each")
        add_batch_arguments(p, f"JSONL to write, one {what} a line")
    return parser


def add_batch_arguments(p: argparse.ArgumentParser, output_help: str) -> None:
    """What extract, times and numbers share: inputs, output, errors, resume, jobs, progress, date."""
    p.add_argument("inputs", nargs="+", help="folders of .txt, .txt files, JSONL files (id, text, optional date), or - for stdin")
    p.add_argument("-o", "--output", required=True, help=output_help)
    p.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    p.add_argument("--resume", action="store_true", help="continue a crashed or interrupted run: skip articles already written")
    p.add_argument("--errors", help="where to report bad articles (default: OUTPUT.errors.jsonl)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("--date", type=iso_date, help="publication date (YYYY-MM-DD) of articles that carry none, e.g. .txt files")


def batch_options(args: argparse.Namespace) -> dict:
    return {"jobs": args.jobs, "resume": args.resume, "errors": args.errors, "progress": not args.no_progress, "date": args.date}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:  # before a batch started (loading models); a batch says more itself
        print("quotewise: interrupted", file=sys.stderr)
        return 130


def run(args: argparse.Namespace) -> int:
    """Call the subcommand's one function."""
    if args.command == "extract":
        from pipeline.io.batch import run_extract

        return run_extract(args.inputs, args.output, model=args.model, **batch_options(args))
    if args.command == "eval":
        from pipeline.evaluation.attribution import run_eval

        return run_eval(args.gold, model=args.model, predictions=args.predictions, out_dir=args.out, name=args.name)
    if args.command == "summary":
        from pipeline.io.summary import print_summary

        return print_summary(args.records)
    if args.command in ("times", "numbers"):
        from pipeline.io.batch import run_batch
        from pipeline.io.figures import STEPS

        return run_batch(args.inputs, args.output, STEPS[args.command], args.command, **batch_options(args))
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
