"""``extract --engine ray``: the records of a plain ``extract``, one output shard per input
shard, on a local Ray and on a two-node cluster, through a driver killed mid-run and an actor
killed mid-task.

The tests that start Ray are marked ``ray`` (``-m "not ray"`` leaves them out) and share one
xdist group, so one worker runs them and the two-node cluster starts once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import EXAMPLES, POLNEAR_DEV

from pipeline.io.batch import run_extract
from pipeline.io.shards import Shard, ShardError, ShardOutput, plan_shards

QUOTEWISE = [sys.executable, "-m", "pipeline.cli"]
RAY = str(Path(sys.executable).with_name("ray"))
# Short PolNeAR dev articles, so the Ray runs stay quick.
DEV = ["breitbart_2016-09-20_poll-wealthy-voters-abandon-repu", "politico_2016-09-30_flight-attendants-union-endorses",
       "politico_2016-09-28_axelrod-calls-on-dean-to-apologi", "breitbart_2016-09-15_pat-caddell-democrat-voters-worr"]  # fmt: skip
TIMEOUT = 600  # seconds any one Ray run may take before the test gives up on it
# More dev articles make d the longest shard by far, so that a driver killed when a.jsonl
# appears has not finished d (with only short articles both could end in the same instant).
# Eight were enough until spaCy moved to numpy's BLAS; a CI run then saw d end first.
MORE_DEV = [p.stem for p in sorted((POLNEAR_DEV / "text").glob("*.txt")) if p.stem not in DEV][:24]


def article(stem: str) -> dict:
    folder = EXAMPLES if stem.startswith("uk-") else POLNEAR_DEV / "text"
    return {"id": stem, "text": (folder / f"{stem}.txt").read_text(encoding="utf-8")}


def write_jsonl(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four input shards: JSONL with a seed and a dev article; JSONL with the other seed, a
    malformed line and an empty article; an empty JSONL; Parquet with twenty-seven dev articles."""
    folder = tmp_path_factory.mktemp("shards")
    write_jsonl(folder / "a.jsonl", [json.dumps(article("uk-france-returns-a")), json.dumps(article(DEV[0]))])
    bad = ['{"id": "cut-short", "text": "The minister said', json.dumps({"id": "blank", "text": " "})]
    write_jsonl(folder / "b.jsonl", [json.dumps(article("uk-france-returns-b")), *bad])
    write_jsonl(folder / "c.jsonl", [])
    pq.write_table(pa.Table.from_pylist([article(stem) for stem in DEV[1:] + MORE_DEV]), folder / "d.parquet")
    return folder


@pytest.fixture(scope="module")
def reference(shards: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What a plain ``extract`` writes for each shard: records and errors, by output name."""
    out = tmp_path_factory.mktemp("reference")
    expected = {}
    for source in sorted(shards.iterdir()):
        records = out / f"{source.stem}.jsonl"
        run_extract([str(source)], str(records), model="fast", progress=False)
        errors = records.with_name(records.name + ".errors.jsonl")
        expected[records.name] = records.read_bytes()
        if errors.exists():
            expected[errors.name] = errors.read_bytes()
    assert expected["a.jsonl"] and expected["d.jsonl"] and expected["c.jsonl"] == b""
    assert set(expected) == {"a.jsonl", "b.jsonl", "b.jsonl.errors.jsonl", "c.jsonl", "d.jsonl"}
    return expected


def written(out_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out_dir.iterdir()}


# --- without Ray -------------------------------------------------------------------------


def test_importing_the_pipeline_imports_no_engine() -> None:
    code = "import sys, pipeline.cli, pipeline.io.batch, pipeline.io.ray_runner; assert 'ray' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_parquet_input_gives_the_records_of_the_same_jsonl(tmp_path: Path) -> None:
    rows = [article("uk-france-returns-a"), {"id": "no-text"}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet")
    write_jsonl(tmp_path / "in.jsonl", [json.dumps(row) for row in rows])
    for name in ("in.parquet", "in.jsonl"):
        assert run_extract([str(tmp_path / name)], str(tmp_path / f"{name}.out"), model="fast", progress=False) == 1
    assert (tmp_path / "in.parquet.out").read_bytes() == (tmp_path / "in.jsonl.out").read_bytes()
    [error] = (tmp_path / "in.parquet.out.errors.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(error)["reason"] == "missing 'text' field"


def test_a_file_that_is_no_parquet_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.parquet").write_text("not parquet")
    assert run_extract([str(tmp_path / "bad.parquet")], str(tmp_path / "out.jsonl"), model="fast", progress=False) == 1
    [error] = map(json.loads, (tmp_path / "out.jsonl.errors.jsonl").read_text(encoding="utf-8").splitlines())
    assert error["reason"].startswith("unreadable Parquet")


def test_shard_plans_refuse_what_would_clash(tmp_path: Path, shards: Path) -> None:
    out = tmp_path / "out"
    assert [s.output.name for s in plan_shards([shards], out, "jsonl")] == ["a.jsonl", "b.jsonl", "c.jsonl", "d.jsonl"]
    (tmp_path / "x").mkdir()
    shutil.copy(shards / "a.jsonl", tmp_path / "x" / "a.jsonl")
    bad_inputs = {
        "both write": [shards, tmp_path / "x"],
        "not stdin": ["-"],
        "not a JSONL or Parquet shard": [EXAMPLES / "uk-france-returns-a.txt"],
        "holds the input": [tmp_path / "out" / "a.jsonl"],
    }
    shutil.copytree(tmp_path / "x", out)
    for message, inputs in bad_inputs.items():
        with pytest.raises(ShardError, match=message):
            plan_shards(inputs, out, "jsonl")


def test_a_shard_appears_only_when_committed(tmp_path: Path) -> None:
    shard = Shard(tmp_path / "in.jsonl", tmp_path / "out" / "in.jsonl", tmp_path / "out" / "in.jsonl.errors.jsonl")
    shard.errors.parent.mkdir()
    shard.errors.write_text("stale, from an attempt that died between its two renames\n")
    output = ShardOutput(shard, "jsonl")
    output.write('{"doc_id": "x"}\n', "")
    assert not shard.output.exists()
    output.commit()
    assert shard.output.read_text() == '{"doc_id": "x"}\n' and not shard.errors.exists()
    assert sorted(p.name for p in shard.output.parent.iterdir()) == ["in.jsonl"]


def test_cli_usage_errors(tmp_path: Path, shards: Path) -> None:
    def extract(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*QUOTEWISE, "extract", str(shards), "-o", str(tmp_path / "out"), "-m", "fast", *args],
                              capture_output=True, text=True)  # fmt: skip

    assert "go with --engine ray" in extract("--address", "auto").stderr
    assert "always resumes" in extract("--engine", "ray", "--resume").stderr
    assert "invalid choice: 'csv'" in extract("--engine", "ray", "--format", "csv").stderr
    assert not (tmp_path / "out").exists()


def test_a_parquet_shard_holds_the_records_typed(tmp_path: Path, reference: dict[str, bytes]) -> None:
    shard = Shard(tmp_path / "a.jsonl", tmp_path / "out" / "a.parquet", tmp_path / "out" / "a.parquet.errors.jsonl")
    output = ShardOutput(shard, "parquet")
    output.write(reference["a.jsonl"].decode("utf-8"), "")
    output.commit()
    assert sorted(p.name for p in shard.output.parent.iterdir()) == ["a.parquet"]  # staging and temporary files gone
    table = pq.read_table(shard.output)
    assert table.schema.field("speaker").type.num_fields > 1  # a struct, not JSON text
    expected = [json.loads(line) for line in reference["a.jsonl"].decode("utf-8").splitlines()]
    assert [(r["id"], r["content"]["text"]) for r in table.to_pylist()] == [(r["id"], r["content"]["text"]) for r in expected]


# --- on Ray ------------------------------------------------------------------------------


@pytest.mark.ray
@pytest.mark.xdist_group("ray")
def test_local_ray_writes_what_extract_writes(shards: Path, reference: dict[str, bytes], tmp_path: Path, capsys) -> None:
    from pipeline.io.ray_runner import run_ray_extract

    out = tmp_path / "out"
    assert run_ray_extract([str(shards)], str(out), model="fast", cpus=2, progress=False) == 1  # b has bad lines
    assert written(out) == reference
    # A rerun finds every shard done and starts no Ray; b's errors file still says 1.
    assert run_ray_extract([str(shards)], str(out), model="fast", cpus=2) == 1
    assert "4 of 4 shards already done" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            pass
    return found


def _descendants(roots: list[int]) -> set[int]:
    """Every live process below ``roots`` (Linux /proc)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    found, frontier = set(), set(roots)
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _ray_logs(temp: str) -> str:
    """The end of what the cluster's ``ray start`` processes, raylets and GCS wrote: why a node died."""
    logs = sorted(Path(temp).glob("try*-node*.log")) + sorted(Path(temp).glob("session_latest/logs/*.out"))
    return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}" for log in logs)


def _nodes_joined(address: str, env: dict[str, str], nodes: list[subprocess.Popen]) -> bool:
    """Whether the cluster at ``address`` came to have as many live nodes as ``nodes`` started
    (False as soon as one of them has exited; an error after three minutes)."""
    probe = "import ray, sys; ray.init(address=sys.argv[1]); print(sum(n['Alive'] for n in ray.nodes()))"
    deadline = time.monotonic() + 180
    while subprocess.run([sys.executable, "-c", probe, address], env=env, capture_output=True, text=True).stdout.strip() != str(len(nodes)):
        if any(n.poll() is not None for n in nodes):
            return False
        assert time.monotonic() < deadline, "Ray nodes still not joined after three minutes"
        time.sleep(1)
    return True


def _stop_nodes(nodes: list[subprocess.Popen], temp: str) -> None:
    for node in nodes:  # SIGTERM: `ray start --block` drains and ends its own processes
        node.terminate()
    for node in nodes:
        try:
            node.wait(timeout=60)
        except subprocess.TimeoutExpired:
            node.kill()
    for pid in _processes_mentioning(temp):  # anything of this cluster that outlived its node
        os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, dict[str, str], list[int]]]:
    """A two-node Ray cluster on this machine (one CPU each): its address, the environment to
    reach it with, and the pids of its two ``ray start`` processes. Torn down by pid, never by
    a broad ``ray stop`` that would end other Ray users' processes."""
    temp = tempfile.mkdtemp(prefix="qwray", dir="/tmp")  # short: Ray's socket paths have a length limit
    # No drain on SIGTERM: nothing runs on the cluster by teardown.
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "token", "RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S": "0"}
    common = ["--num-cpus", "1", "--object-store-memory", str(100 * 2**20), "--block"]
    nodes: list[subprocess.Popen] = []
    try:
        # A second try on a fresh port: once, in CI on a loaded machine, a node exited at start
        # (its output is kept in temp and shown if the second try fails too).
        for attempt in range(2):
            address = f"127.0.0.1:{_free_port()}"
            for command in (["--head", "--port", address.split(":")[1], "--temp-dir", temp, "--include-dashboard=false"],
                            ["--address", address]):
                with open(Path(temp) / f"try{attempt}-node{len(nodes)}.log", "wb") as log:
                    nodes.append(subprocess.Popen([RAY, "start", *command, *common], env=env, start_new_session=True,
                                                  stdout=log, stderr=subprocess.STDOUT))
                if not _nodes_joined(address, env, nodes):
                    break
            else:
                break
            _stop_nodes(nodes, temp)
            nodes = []
        assert nodes, f"a Ray node exited at start, twice\n{_ray_logs(temp)}"
        yield address, env, [n.pid for n in nodes]
    finally:
        _stop_nodes(nodes, temp)
        shutil.rmtree(temp, ignore_errors=True)


def _extract_on(address: str, shards: Path, out: Path) -> list[str]:
    return [*QUOTEWISE, "extract", str(shards), "-o", str(out), "-m", "fast", "--engine", "ray", "--address", address, "--no-progress"]


def _kill_an_actor_mid_task(nodes: list[int], driver: subprocess.Popen) -> int:
    """SIGKILL the first actor of the cluster seen running a block; its pid."""
    busy_title = b"ray::MapWorker(MapBatches(ArticleAnnotator)).submit"  # how Ray titles an actor running a block
    deadline = time.monotonic() + TIMEOUT
    while driver.poll() is None and time.monotonic() < deadline:
        for pid in _descendants(nodes):
            try:
                if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(busy_title):
                    os.kill(pid, signal.SIGKILL)
                    return pid
            except OSError:  # gone meanwhile
                pass
        time.sleep(0.02)
    raise AssertionError("no actor was seen running a block")


@pytest.mark.ray
@pytest.mark.xdist_group("ray")
def test_two_nodes_survive_a_killed_driver_and_a_killed_actor(cluster, shards: Path, reference: dict[str, bytes], tmp_path: Path) -> None:
    """Through --address on a two-node cluster: the driver is killed once a shard is done; the
    rerun skips that shard, and one of its actors is killed mid-block, which Ray restarts and
    redoes. The records are still a plain extract's, nothing lost and nothing twice."""
    address, env, nodes = cluster
    out = tmp_path / "out"
    driver = subprocess.Popen(_extract_on(address, shards, out), env=env, stderr=subprocess.DEVNULL)
    first = out / "a.jsonl"
    deadline = time.monotonic() + TIMEOUT
    while not first.exists() and driver.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    driver.kill()
    driver.wait()
    assert first.exists() and not (out / "d.jsonl").exists(), "the driver should be killed part-way"
    finished = first.stat().st_mtime_ns

    rerun = subprocess.Popen(_extract_on(address, shards, out), env=env, stderr=subprocess.PIPE, text=True)
    _kill_an_actor_mid_task(nodes, rerun)
    _, stderr = rerun.communicate(timeout=TIMEOUT)
    assert rerun.returncode == 1, stderr  # b.jsonl has an errors file
    assert "shards already done; skipping them" in stderr
    assert first.stat().st_mtime_ns == finished  # skipped, not redone
    assert written(out) == reference  # nothing lost, nothing twice, no temporary file left
