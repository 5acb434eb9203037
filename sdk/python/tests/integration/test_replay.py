"""`runtime-hub replay` end to end (docs/replay.md): a real hub process, the real CLI, a real
Python agent using the official openai client against a local OpenAI-compatible server that
counts its calls, and a tool that writes files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from .hub import HUB_MAIN, Hub, app_env, wait_for
from .replay_agent.agent_server import AgentServer

AGENT = Path(__file__).parent / "replay_agent" / "agent.py"
LLM = "chat gpt-4o-mini"


@pytest.fixture()
def server():
    s = AgentServer()
    yield s
    s.stop()


def run_agent(hub: Hub, server: AgentServer, out: Path, **env: str) -> Tuple[str, subprocess.CompletedProcess]:
    out.mkdir(exist_ok=True)
    done = subprocess.run([sys.executable, str(AGENT)], env=app_env(hub.url, OPENAI_BASE_URL=server.url, AGENT_DIR=str(out), **env),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    trace_id = re.search(r"trace ([0-9a-f]{32})", done.stderr).group(1)
    wait_for(lambda: len(hub.trace(trace_id)) == 11 and all(s["endTime"] for s in hub.trace(trace_id)), timeout=30)
    return trace_id, done


def replay(hub: Hub, server: AgentServer, out: Path, trace_id: str, span_id: str, *flags: str, **env: str) -> Tuple[subprocess.CompletedProcess, str]:
    command = ["node", str(HUB_MAIN), "replay", trace_id, "--from", span_id, *flags, "--", sys.executable, str(AGENT)]
    done = subprocess.run(command, env=app_env(hub.url, OPENAI_BASE_URL=server.url, AGENT_DIR=str(out), **env),
                          capture_output=True, text=True, timeout=120)
    match = re.search(r"new trace ([0-9a-f]{32})", done.stderr)
    assert match, done.stderr
    return done, match.group(1)


def ordered(spans: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return sorted(spans, key=lambda s: s["startTime"])


def llm_spans(hub: Hub, trace_id: str) -> List[Dict[str, Any]]:
    return [s for s in ordered(hub.trace(trace_id)) if s["kind"] == "llm"]


def settled(hub: Hub, trace_id: str, count: int) -> List[Dict[str, Any]]:
    spans = wait_for(lambda: (lambda t: t if len(t) >= count and all(s["endTime"] for s in t) else None)(hub.trace(trace_id)), timeout=30)
    assert spans, f"trace {trace_id} never held {count} ended spans"
    return ordered(spans)


def test_replay_from_the_third_llm_call_with_an_edited_prompt(hub: Hub, server: AgentServer, tmp_path: Path) -> None:
    out = tmp_path / "notes"
    trace_id, _ = run_agent(hub, server, out)
    assert server.calls == 5
    recorded_bodies = list(server.bodies)
    third = llm_spans(hub, trace_id)[2]
    edited = json.loads(json.dumps(recorded_bodies[2]["messages"]))
    edited[1]["content"] = "the mountains"
    (tmp_path / "edited.json").write_text(json.dumps({"messages": edited}))
    (out / "writes.log").write_text("")
    server.reset()

    done, branch = replay(hub, server, out, trace_id, third["spanId"], "--input", str(tmp_path / "edited.json"))

    assert done.returncode == 0, done.stderr
    # The server saw no call before the checkpoint, and every call after it.
    assert server.calls == 3
    assert server.bodies[0]["messages"] == edited
    assert [b["messages"][1]["content"] for b in server.bodies] == ["the mountains"] * 3  # the edit carries on
    # Files written before the checkpoint were not written again; those after were.
    assert (out / "writes.log").read_text().split() == ["note3.txt", "note4.txt"]
    assert (out / "note1.txt").read_text() == "step 1 of the sea"
    assert (out / "note3.txt").read_text() == "step 3 of the mountains"
    assert (out / "answer.txt").read_text() == "Wrote 4 notes about the mountains."
    assert "4 recorded calls replayed" in done.stderr and "with the edited input" in done.stderr
    assert f"/compare/{trace_id}/{branch}" in done.stderr

    spans = settled(hub, branch, 11)
    root = spans[0]
    assert root["name"] == "main" and root["attributes"]["runtime_hub.replay.of"] == trace_id
    assert root["attributes"]["runtime_hub.replay.from_span"] == third["spanId"]
    replayed = [s for s in spans if (s.get("attributes") or {}).get("runtime_hub.replay.replayed")]
    assert [s["name"] for s in replayed] == [LLM, "write_note", LLM, "write_note"]
    assert all(not (s.get("usage") or {}).get("inputTokens") for s in replayed if s["kind"] == "llm")  # replayed calls cost nothing
    checkpoint = [s for s in spans if (s.get("attributes") or {}).get("runtime_hub.replay.checkpoint")]
    assert len(checkpoint) == 1 and checkpoint[0]["attributes"]["runtime_hub.replay.edited"] is True
    branches = hub.get(f"/api/v1/replay/branches?traceId={trace_id}")
    assert [b["traceId"] for b in branches["branches"]] == [branch]
    assert branches["branches"][0]["compareUrl"] == f"/compare/{trace_id}/{branch}"
    assert hub.get(f"/api/v1/replay/branches?traceId={branch}")["branchOf"]["traceId"] == trace_id


def test_a_replay_without_an_edit_reproduces_the_recorded_outputs(hub: Hub, server: AgentServer, tmp_path: Path) -> None:
    out = tmp_path / "notes"
    trace_id, recorded_run = run_agent(hub, server, out)
    recorded = ordered(hub.trace(trace_id))
    third = [s for s in recorded if s["kind"] == "llm"][2]
    server.reset()

    done, branch = replay(hub, server, out, trace_id, third["spanId"])

    assert done.returncode == 0, done.stderr
    assert "divergence" not in done.stderr
    assert server.calls == 3
    spans = settled(hub, branch, 11)
    recorded_before = [(s["name"], s["output"]) for s in recorded if s["endTime"] is not None and s["endTime"] <= third["startTime"]]
    checkpoint = next(s for s in spans if (s.get("attributes") or {}).get("runtime_hub.replay.checkpoint"))
    replayed_before = [(s["name"], s["output"]) for s in spans if s["endTime"] <= checkpoint["startTime"]]
    assert replayed_before == recorded_before and len(replayed_before) == 4
    # and the rest of the run answers as it did (the test server is deterministic)
    assert (out / "answer.txt").read_text() == "Wrote 4 notes about the sea."
    assert [s["output"] for s in spans if s["kind"] == "llm"] == [s["output"] for s in recorded if s["kind"] == "llm"]


def test_a_changed_program_is_reported_at_the_call_where_it_diverges(hub: Hub, server: AgentServer, tmp_path: Path) -> None:
    out = tmp_path / "notes"
    trace_id, _ = run_agent(hub, server, out)
    llm = llm_spans(hub, trace_id)
    server.reset()

    done, branch = replay(hub, server, out, trace_id, llm[2]["spanId"], AGENT_VARIANT="diverge")

    assert done.returncode == 0, done.stderr
    assert f"first divergence at main#0/run_agent#0/{LLM}#1: input differs from the recording" in done.stderr
    assert f"(recorded span {llm[1]['spanId']})" in done.stderr
    assert server.calls == 4  # live from the divergence on: the second call and every one after
    spans = settled(hub, branch, 11)
    diverged = [s for s in spans if (s.get("attributes") or {}).get("runtime_hub.replay.divergence")]
    assert [s["name"] for s in diverged] == [LLM]

    server.reset()
    strict, _ = replay(hub, server, out, trace_id, llm[2]["spanId"], "--strict", AGENT_VARIANT="diverge")
    assert strict.returncode == 3
    assert "ReplayDivergence" in strict.stderr and server.calls == 0
