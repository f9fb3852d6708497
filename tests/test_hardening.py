"""Nothing lost, nothing hangs, whatever the input (issue 12): resume against a damaged
output, inputs that used to stop a run, duplicate ids, other languages, signals, unwritable
outputs. `times` runs most cases (no spaCy: quick); the batch machinery is the one extract uses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import POLNEAR_DEV

from pipeline.cli import main
from pipeline.io.language import english_share, not_english

QUOTEWISE = [sys.executable, "-m", "pipeline.cli"]
FRENCH = (
    "Le ministre de l’Intérieur a déclaré mardi que le gouvernement allait renforcer les contrôles à la "
    "frontière. « Nous ne laisserons pas faire », a-t-il ajouté devant les députés, qui ont voté la loi par "
    "300 voix contre 200. Selon le porte-parole, la mesure entrera en vigueur le mois prochain."
)


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def errors_of(path: Path) -> dict[str, dict]:
    return {e["doc_id"]: e for e in map(json.loads, lines(path))}


@pytest.fixture()
def dated_news(tmp_path: Path, seed_a: str) -> Path:
    """Twelve dated articles: sentences of seed a, each with a time expression added."""
    sentences = [s for s in seed_a.replace("\n", " ").split(". ") if len(s) > 80][:12]
    rows = [{"id": f"s{i}", "text": f"On Monday {i + 2} weeks ago, {s}.", "date": "2025-05-14"} for i, s in enumerate(sentences)]
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def run_times(news: Path, out: Path, *extra: str) -> int:
    return main(["times", str(news), "-o", str(out), "--no-progress", *extra])


# --- resume against an output that is not what the ledger says ---------------------------


def test_resume_after_the_output_was_deleted(dated_news: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "times.jsonl"
    assert run_times(dated_news, out) == 0
    reference = out.read_bytes()
    out.unlink()
    assert run_times(dated_news, out, "--resume") == 0
    assert out.read_bytes() == reference  # redone from the start, no NUL bytes, nothing claimed that is not there
    err = capsys.readouterr().err
    assert "is missing" in err and "resuming after article 0" in err


@pytest.mark.parametrize("damage", ["cut", "zeroed"])
def test_resume_when_the_ledger_claims_more_than_the_file_holds(dated_news: Path, tmp_path: Path, damage: str, capsys) -> None:
    """A power loss without fsync: the file shorter than the ledger, or its tail blocks zeros."""
    out = tmp_path / "times.jsonl"
    assert run_times(dated_news, out) == 0
    reference = out.read_bytes()
    keep = len(reference) // 2
    out.write_bytes(reference[:keep] + (b"\x00" * (len(reference) - keep) if damage == "zeroed" else b""))
    assert run_times(dated_news, out, "--resume") == 0
    assert out.read_bytes() == reference and b"\x00" not in out.read_bytes()
    assert "resuming after article" in capsys.readouterr().err


def test_resume_with_another_errors_path_is_refused(dated_news: Path, tmp_path: Path, capsys) -> None:
    news = tmp_path / "mixed.jsonl"
    news.write_text(dated_news.read_text(encoding="utf-8") + "{broken\n", encoding="utf-8")
    out = tmp_path / "times.jsonl"
    assert run_times(news, out, "--errors", str(tmp_path / "first.errors")) == 1
    before = out.read_bytes()
    assert run_times(news, out, "--resume", "--errors", str(tmp_path / "other.errors")) == 2
    err = capsys.readouterr().err
    assert "cannot resume" in err and f"--errors {tmp_path / 'first.errors'}" in err
    assert out.read_bytes() == before and not (tmp_path / "other.errors").exists()
    assert run_times(news, out, "--resume", "--errors", str(tmp_path / "first.errors")) == 1
    assert run_times(news, out, "--resume") == 1  # without --errors: where the run wrote them
    assert out.read_bytes() == before and len(lines(tmp_path / "first.errors")) == 1


# --- inputs that used to stop the run ----------------------------------------------------


def test_each_bad_input_costs_only_itself(tmp_path: Path) -> None:
    news = tmp_path / "news.jsonl"
    rows = [
        '{"id": "good", "text": "He said on Monday that it would rain tomorrow.", "date": "2025-05-14"}',
        '{"id": "surrogate-\\ud800", "text": "She said so on Friday."}',
        '{"id": "surrogate-text", "text": "She said so on Friday \\udc00."}',
        '{"id": "huge-int", "text": "They said so.", "views": ' + "9" * 5000 + "}",
        '{"id": "deep", "text": "They said so.", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"id": "end-of-time", "text": "The deal ends tomorrow.", "date": "9999-12-31"}',
        '{"id": "start-of-time", "text": "It began yesterday.", "date": "0001-01-01"}',
        '{"id": "last", "text": "Officials said last week the talks would resume.", "date": "2025-05-14"}',
    ]
    data = "\n".join(rows).encode("utf-8", "surrogatepass") + b'\n{"id": "latin-\xe9", "text": "Fine text."}\n'
    news.write_bytes(data)
    out = tmp_path / "times.jsonl"
    assert main(["times", str(news), str(tmp_path / "missing.jsonl"), "-o", str(out), "--no-progress"]) == 1
    errors = {e["source"]: e["reason"] for e in map(json.loads, lines(tmp_path / "times.jsonl.errors.jsonl"))}
    assert errors == {
        f"{news}:2": "not valid Unicode: lone surrogate U+D800 in 'id' at offset 10",
        f"{news}:3": "not valid Unicode: lone surrogate U+DC00 in 'text' at offset 22",
        f"{news}:4": errors[f"{news}:4"],
        f"{news}:5": "malformed JSON line: nested too deeply",
        f"{news}:9": "not UTF-8: undecodable byte 0xe9 in 'id' at offset 6",
        str(tmp_path / "missing.jsonl"): "cannot read: No such file or directory",
    }
    assert "Exceeds the limit" in errors[f"{news}:4"]
    values = {(r["doc_id"], r["text"]): r["value"] for r in map(json.loads, lines(out))}
    assert values[("good", "tomorrow")] == "2025-05-15"
    assert values[("end-of-time", "tomorrow")] == "XXXX-XX-XX"  # past the calendar: unresolved, not a crash
    assert values[("start-of-time", "yesterday")] == "XXXX-XX-XX"
    assert ("last", "last week") in values


def test_numbers_survive_huge_digit_strings_and_take_the_batch_options(tmp_path: Path) -> None:
    news = tmp_path / "news.jsonl"
    rows = [
        {"id": "long", "text": "The debt reached " + "9" * 30 + " dollars, officials said."},
        {"id": "ok", "text": "More than 8,180 people crossed, officials said."},
    ]
    news.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "numbers.jsonl"
    errors = tmp_path / "numbers.errors"
    assert main(["numbers", str(news), "-o", str(out), "--no-progress", "--errors", str(errors), "-j", "1"]) == 0
    found = {r["doc_id"]: r for r in map(json.loads, lines(out))}
    assert found["long"]["value"] is None and found["long"]["text"].startswith("9" * 30)  # too large to hold: unresolved
    assert (found["ok"]["low"], found["ok"]["unit"]) == (8180, "people")
    assert main(["numbers", str(news), "-o", str(out), "--no-progress", "--resume"]) == 0
    assert len(lines(out)) == 2


def test_duplicate_ids_get_a_suffix_and_a_line_in_the_errors_file(tmp_path: Path, capsys) -> None:
    news = tmp_path / "news.jsonl"
    row = {"id": "x", "text": "He said on Monday it would rain.", "date": "2025-05-14"}
    news.write_text((json.dumps(row) + "\n") * 3, encoding="utf-8")
    out = tmp_path / "times.jsonl"
    assert run_times(news, out) == 1
    assert [json.loads(line)["doc_id"] for line in lines(out)] == ["x", "x#2", "x#3"]
    errors = errors_of(tmp_path / "times.jsonl.errors.jsonl")
    assert errors["x#2"]["stage"] == "id" and errors["x#2"]["reason"] == "duplicate id 'x': written as 'x#2'"
    assert "2 duplicate ids renamed" in capsys.readouterr().err


def test_an_article_not_in_english_is_reported(tmp_path: Path, seed_a: str) -> None:
    assert not_english(seed_a) is None and not_english("Short text.") is None
    for text in (path.read_text(encoding="utf-8") for path in sorted((POLNEAR_DEV / "text").glob("*.txt"))):
        assert not_english(text) is None
    assert english_share(FRENCH)[0] < 0.05
    news = tmp_path / "news.jsonl"
    news.write_text(json.dumps({"id": "fr", "text": FRENCH}) + "\n", encoding="utf-8")
    out = tmp_path / "records.jsonl"
    assert main(["extract", str(news), "-o", str(out), "--no-progress", "-m", "fast"]) == 1
    error = errors_of(tmp_path / "records.jsonl.errors.jsonl")["fr"]
    assert error["stage"] == "language" and error["reason"].startswith("not English")


def test_txt_with_a_bom_offsets_are_into_the_text_after_it(tmp_path: Path) -> None:
    text = "He said on Monday it would rain."
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbf" + text.encode())
    out = tmp_path / "times.jsonl"
    assert run_times(tmp_path / "a.txt", out) == 0
    [found] = map(json.loads, lines(out))
    assert text[found["start"] : found["end"]] == found["text"] == "Monday"


# --- unwritable outputs --------------------------------------------------------------------


def test_unwritable_outputs_are_one_line_and_exit_2(dated_news: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "folder.jsonl").mkdir()
    full = tmp_path / "full.jsonl"
    full.symlink_to("/dev/full")  # every write: no space left on device
    cases = {
        str(tmp_path / "folder.jsonl"): "it is a folder",
        f"{dated_news}/x.jsonl": "is not a folder",
        str(full): "No space left on device",
    }
    if Path("/sys").is_dir():  # read-only even for root
        cases["/sys/quotewise-test.jsonl"] = "Permission denied"
    for output, reason in cases.items():
        assert run_times(dated_news, Path(output)) == 2
        err = capsys.readouterr().err
        assert reason in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err


# --- signals and worker processes ----------------------------------------------------------


@pytest.fixture(scope="module")
def many_articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough short dated articles that `times -j 2` runs for seconds: time to signal it."""
    path = tmp_path_factory.mktemp("many") / "news.jsonl"
    rows = (
        {"id": f"a{i}", "text": f"On Monday {i} weeks ago, officials said talks would resume next {day}. " * 4, "date": "2025-05-14"}
        for i, day in enumerate(["Friday", "month", "year", "week"] * 1500)
    )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def start_times(news: Path, out: Path) -> tuple[subprocess.Popen, Path]:
    """`times -j 2` (the batch runner extract uses, without spaCy to load), once it is under way."""
    log = out.with_suffix(".stderr")
    cmd = [*QUOTEWISE, "times", str(news), "-o", str(out), "-j", "2", "--no-progress"]
    # As from a terminal: SIGINT at its default (a test runner may start us with it ignored).
    proc = subprocess.Popen(cmd, stderr=log.open("w"), preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    ledger = out.with_name(out.name + ".progress")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and len(lines(ledger)) < 2:
        time.sleep(0.02)
    assert proc.poll() is None, "the run should still be going"
    return proc, log


@pytest.mark.parametrize(("sig", "code", "word"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_ctrl_c_and_sigterm_stop_cleanly_and_resume(many_articles: Path, tmp_path: Path, sig: int, code: int, word: str) -> None:
    out = tmp_path / "times.jsonl"
    proc, log = start_times(many_articles, out)
    workers = children_of(proc.pid)
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == code
    err = log.read_text()
    assert f"{word} after" in err and "resume with --resume" in err
    assert "Traceback" not in err and "leaked" not in err, err
    time.sleep(1)
    assert not [w for w in workers if alive(w)]
    entries = [e for e in map(json.loads, lines(out.with_name(out.name + ".progress"))) if "n" in e]
    assert 0 < len(entries) < 6_000, "stopped part-way"
    assert run_times(many_articles, out, "--resume") == 0
    reference = tmp_path / "reference.jsonl"
    assert run_times(many_articles, reference) == 0
    assert out.read_bytes() == reference.read_bytes()


def test_killed_parent_takes_its_workers_with_it(many_articles: Path, tmp_path: Path) -> None:
    proc, log = start_times(many_articles, tmp_path / "times.jsonl")
    workers = [w for w in children_of(proc.pid) if "multiprocessing" in Path(f"/proc/{w}/cmdline").read_text()]
    assert workers
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.05)
    assert not [w for w in workers if alive(w)]
    time.sleep(1)
    err = log.read_text()
    assert "Traceback" not in err and "BrokenPipeError" not in err and "leaked" not in err, err


def test_a_source_that_is_only_punctuation_costs_nothing(tmp_path: Path) -> None:
    """The out-of-domain case of issue 12: the rules take "[" for a source."""
    text = 'The story broke in the USA in February 2008 [see CHS article here].\n\nHe said: "It is over."\n'
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(tmp_path / "in"), "-o", str(out), "--no-progress", "-m", "fast"]) == 0
    speakers = {r["source"]["text"]: r["speaker"] for r in map(json.loads, lines(out)) if r["source"]}
    assert speakers["He"]["type"] == "person"  # the other records keep their speakers


def die_on_boom(article, failures: list) -> list[dict]:
    """A step whose worker dies on one article, as an out-of-memory kill would."""
    if article.id == "boom":
        os._exit(9)
    return [{"doc_id": article.id}]


def test_a_worker_that_dies_costs_its_article_only(tmp_path: Path) -> None:
    from pipeline.io.batch import run_batch

    news = tmp_path / "news.jsonl"
    ids = ["a", "b", "boom", "c", "d", "e"]
    news.write_text("".join(json.dumps({"id": i, "text": f"Article {i} said so."}) + "\n" for i in ids), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run_batch([str(news)], str(out), die_on_boom, "die", jobs=2, progress=False) == 1
    assert [json.loads(line)["doc_id"] for line in lines(out)] == ["a", "b", "c", "d", "e"]
    assert errors_of(tmp_path / "out.jsonl.errors.jsonl")["boom"]["reason"].startswith("its worker process died")
