"""A small agent: the official openai client in a tool loop, a tool that writes files.

Run by tests/integration/test_replay.py against agent_server.py. Environment: OPENAI_BASE_URL,
AGENT_DIR (where notes go; every write is also appended to AGENT_DIR/writes.log), AGENT_TASK,
AGENT_VARIANT=diverge (the second request carries a different system prompt: a program changed
after the recording).
"""

import json
import os
import sys

import openai

import runtime_hub
from runtime_hub import track

runtime_hub.configure(service="replay-agent", instrument=["openai"])
client = openai.OpenAI(api_key="test-key", base_url=os.environ["OPENAI_BASE_URL"], max_retries=0)
OUT = os.environ["AGENT_DIR"]
TOOLS = [{
    "type": "function",
    "function": {
        "name": "write_note",
        "description": "Write a note to a file",
        "parameters": {"type": "object", "properties": {"name": {"type": "string"}, "text": {"type": "string"}}, "required": ["name", "text"]},
    },
}]


@track(kind="tool", replay=True)
def write_note(name: str, text: str) -> dict:
    with open(os.path.join(OUT, name), "w") as note:
        note.write(text)
    with open(os.path.join(OUT, "writes.log"), "a") as log:
        log.write(name + "\n")
    return {"written": name, "chars": len(text)}


@track(kind="agent")
def run_agent(task: str) -> str:
    messages = [{"role": "system", "content": "You write notes."}, {"role": "user", "content": task}]
    for step in range(10):
        if step == 1 and os.environ.get("AGENT_VARIANT") == "diverge":
            messages[0] = {"role": "system", "content": "You write short notes."}
        reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        message = reply.choices[0].message
        messages.append(message.model_dump(exclude_none=True))
        if not message.tool_calls:
            return message.content or ""
        for call in message.tool_calls:
            result = write_note(**json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    return "gave up"


@track
def main() -> None:
    print("trace", runtime_hub.current_span().trace_id, file=sys.stderr)
    answer = run_agent(os.environ.get("AGENT_TASK", "the sea"))
    with open(os.path.join(OUT, "answer.txt"), "w") as out:
        out.write(answer)
    print(answer)


if __name__ == "__main__":
    main()
    sys.exit(0)
