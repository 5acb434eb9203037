"""Runs one workflow the way the hub's engine does (packages/engine/src/run/driver.ts): inline nodes
at once, nodes with I/O as concurrent tasks, retries with backoff and jitter, time limits per node
and per run, error outputs, waits, loops and merges. Runs live in memory: a restart loses runs in
flight (the hub's runs are durable; an exported app answers requests)."""

import asyncio
import time
import uuid
from collections import deque

from . import instrument
from .errors import NodeFailure, backoff_delay_ms, effective_policy, is_retryable, permanent, to_failure
from .fields import resolve_config
from .graph import LOOP_TYPE, TRIGGER_TYPE, Graph, State
from .nodes import NODE_TYPES
from .values import UNDEFINED, Strict, to_plain, type_name

MAX_LOOP_ITEMS = 50_000
MAX_ACTIVATIONS = 100_000
MAX_CALL_DEPTH = 16

_graphs = {}


def graph_of(definition):
    graph = _graphs.get(id(definition))
    if graph is None:
        graph = _graphs[id(definition)] = Graph(definition)
    return graph


class RunResult:
    def __init__(self, run_id, status, output=None, error=None, response=None):
        self.run_id, self.status, self.output, self.error, self.response = run_id, status, output, error, response


class Run:
    def __init__(self, app, definition, trigger, depth=0, parent_run_id=None, on_response=None):
        self.app = app
        self.definition = definition
        self.graph = graph_of(definition)
        self.state = State(self.graph)
        self.trigger = trigger
        self.depth = depth
        self.parent_run_id = parent_run_id
        self.on_response = on_response
        self.id = uuid.uuid4().hex
        self.started_at = int(time.time() * 1000)
        self.settings = definition.get("settings") or {}
        self.tasks = {}
        self.failure = None

    # -- scope -------------------------------------------------------------------------------------
    def scope(self, node_id, input_value, inputs):
        project = self.app.project
        state = self.state

        def nodes():
            view = {nid: {"output": state.outputs.get(nid, UNDEFINED), "status": state.status.get(nid, "idle")} for nid in self.graph.nodes}
            return Strict(view, lambda key: f'no node "{key}" in this workflow')

        def secrets():
            return Strict(self.app.secrets(), lambda key: f'no secret named "{key}" in project "{project["id"]}"')

        def loop():
            loop_id = self.graph.enclosing_loop.get(node_id)
            current = state.loops.get(loop_id) if loop_id else None
            if current is None:
                return UNDEFINED
            index = current["index"]
            item = current["items"][index] if 0 <= index < len(current["items"]) else UNDEFINED
            return {"id": loop_id, "index": index, "item": item, "total": len(current["items"]), "results": current["results"]}

        return {
            "input": input_value,
            "inputs": inputs,
            "trigger": self.trigger,
            "env": dict(self.app.env()),
            "run": {"id": self.id, "startedAt": self.started_at, "depth": self.depth, "parentRunId": self.parent_run_id},
            "workflow": {"id": self.definition["id"], "name": self.definition["name"], "version": self.definition.get("version", 0)},
            "project": {"id": project["id"], "name": project["name"]},
            "now": int(time.time() * 1000),
            "nodes": nodes,
            "secrets": secrets,
            "loop": loop,
        }

    def resolve(self, node, input_value, inputs):
        fields = self.app.node_fields.get(node["type"], [])
        return resolve_config(node, fields, self.scope(node["id"], input_value, inputs))

    # -- the run -----------------------------------------------------------------------------------
    async def execute(self):
        timeout = self.settings.get("timeoutMs")
        try:
            if timeout:
                return await asyncio.wait_for(self._execute(), timeout / 1000)
            return await self._execute()
        except asyncio.TimeoutError:
            self._cancel_tasks()
            failure = {"code": "RUN_TIMEOUT", "message": f"the run took longer than its {timeout} ms limit", "retryable": False}
            return RunResult(self.id, "failed", error=failure, response=self.state.response)

    async def _execute(self):
        work = deque(self.state.settle([self.graph.trigger_id]))
        while True:
            while work and self.failure is None:
                kind, node_id = work.popleft()
                candidates = self.loop_next(node_id) if kind == "loop-next" else self.activate(node_id)
                if candidates:
                    work.extend(self.state.settle(candidates))
            if self.failure is not None:
                self._cancel_tasks()
                return RunResult(self.id, "failed", error=self.failure, response=self.state.response)
            if not self.tasks:
                last = self.settings.get("outputNode") or self.state.last_node
                output = self.state.outputs.get(last) if last is not None else None
                return RunResult(self.id, "succeeded", output=output, response=self.state.response)
            done, _ = await asyncio.wait(list(self.tasks), return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                info = self.tasks.pop(task)
                candidates = self.settled(task, info)
                if candidates:
                    work.extend(self.state.settle(candidates))

    def _cancel_tasks(self):
        for task in self.tasks:
            task.cancel()
        self.tasks.clear()

    def activate(self, node_id):
        state = self.state
        node = self.graph.nodes[node_id]
        if state.activations >= MAX_ACTIVATIONS:
            self.failure = {"code": "STEP_LIMIT", "message": f"the run started {MAX_ACTIVATIONS} activations, the most one run may; is a loop running away?", "retryable": False}
            return None
        state.start_node(node_id)
        inputs = state.inputs_of(node_id)
        input_value = UNDEFINED if node["type"] == TRIGGER_TYPE else (inputs[0]["value"] if inputs else UNDEFINED)
        if node["type"] == LOOP_TYPE:
            return self.loop_start(node, input_value, inputs)
        node_type = NODE_TYPES.get(node["type"])
        if node.get("disabled") or node_type is None:
            return self.complete(node_id, {"output": self.trigger if node["type"] == TRIGGER_TYPE else input_value})
        info = {"node": node, "attempt": 1, "input": input_value, "inputs": inputs}
        if not node_type.inline:
            self.spawn(self.attempt(info), info)
            return None
        try:
            result = node_type.run(self.context(node, self.resolve(node, input_value, inputs), input_value, inputs))
        except Exception as error:  # noqa: BLE001 - every failure becomes the node's error
            return self.fail(node_id, error)
        if result.get("waitUntil") is not None:
            self.spawn(self.wait(result), info)
            return None
        return self.complete(node_id, result)

    def loop_start(self, node, input_value, inputs):
        try:
            items = self.resolve(node, input_value, inputs).get("items")
        except Exception as error:  # noqa: BLE001
            return self.fail(node["id"], error)
        if not isinstance(items, list):
            kind = "object" if isinstance(items, dict) else type_name(items)
            return self.fail(node["id"], permanent("LOOP_INPUT", f'node "{node["id"]}": items must be a list, not {kind}', "items"))
        if len(items) > MAX_LOOP_ITEMS:
            message = f'node "{node["id"]}": {len(items)} items; a loop may iterate over at most {MAX_LOOP_ITEMS}'
            return self.fail(node["id"], permanent("LOOP_TOO_LARGE", message, "items", {"items": len(items), "limit": MAX_LOOP_ITEMS}))
        items = self.app.mask(items)
        first = {"output": items[0] if items else [], "branch": "item" if items else "done", "items": items}
        return self.complete(node["id"], first)

    def loop_next(self, loop_id):
        branch, output = self.state.next_loop_emission(loop_id)
        self.state.start_node(loop_id)
        return self.complete(loop_id, {"output": output, "branch": branch})

    def context(self, node, config, input_value, inputs):
        return NodeContext(self, node, config, input_value, inputs)

    def spawn(self, coroutine, info):
        self.tasks[asyncio.ensure_future(coroutine)] = info

    async def wait(self, result):
        delay = max(0, result["waitUntil"] - time.time() * 1000)
        await asyncio.sleep(delay / 1000)
        return {"output": result["output"]}

    async def attempt(self, info, delay_ms=0):
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        node = info["node"]
        node_type = NODE_TYPES[node["type"]]
        timeout = node.get("timeoutMs") or self.settings.get("nodeTimeoutMs")
        config = self.resolve(node, info["input"], info["inputs"])
        attributes = {"workflow.node.id": node["id"], "workflow.node.type": node["type"], "workflow.node.attempt": info["attempt"]}
        with instrument.span(node.get("name") or node["id"], "node", attributes) as span:
            call = node_type.run(self.context(node, config, info["input"], info["inputs"]))
            try:
                result = await (asyncio.wait_for(call, timeout / 1000) if timeout else call)
            except asyncio.TimeoutError:
                raise NodeFailure("NODE_TIMEOUT", f'node "{node["id"]}" ran longer than {timeout} ms') from None
            if span is not None:
                span.set_output(self.app.mask(to_plain(result.get("output"))))
            return result

    def settled(self, task, info):
        node = info["node"]
        error = task.exception() if not task.cancelled() else asyncio.CancelledError()
        if error is None:
            return self.complete(node["id"], task.result())
        failure = to_failure(error, node["id"])
        policy = effective_policy(node.get("retry"), self.settings.get("retry"))
        non_retryable = isinstance(error, NodeFailure) and error.non_retryable
        if is_retryable(failure, non_retryable, policy) and info["attempt"] <= policy["maxRetries"]:
            retry = dict(info, attempt=info["attempt"] + 1)
            self.spawn(self.attempt(retry, backoff_delay_ms(info["attempt"], policy)), retry)
            return None
        return self.fail(node["id"], error)

    def complete(self, node_id, result):
        output = self.app.mask(result.get("output", UNDEFINED))
        output = None if output is UNDEFINED else output
        response = result.get("response")
        if response is not None:
            response = self.app.mask(response)
            if self.state.response is None and self.on_response is not None:
                self.on_response(response)
        return self.state.apply(node_id, result.get("branch") or "main", output, result.get("items"), response)

    def fail(self, node_id, error):
        node = self.graph.nodes[node_id]
        failure = self.app.mask(to_failure(error, node_id))
        on_error = node.get("onError") or "fail"
        if on_error != "fail":
            return self.state.apply(node_id, "error" if on_error == "output" else "main", {"error": failure})
        self.state.status[node_id] = "done"
        if self.failure is None:
            self.failure = failure
        return None


class NodeContext:
    """What a node sees: its resolved config, its input, the app's services."""

    def __init__(self, run, node, config, input_value, inputs):
        self.run, self.node, self.config, self.input, self.inputs = run, node, config, input_value, inputs
        self.app = run.app
        self.trigger = run.trigger

    def now(self):
        return int(time.time() * 1000)

    async def call_workflow(self, workflow_id, body):
        if self.run.depth + 1 > MAX_CALL_DEPTH:
            raise permanent("CALL_DEPTH_EXCEEDED", f"workflow calls nested deeper than {MAX_CALL_DEPTH} levels", "workflow")
        definition = self.app.workflows.get(workflow_id)
        if definition is None:
            raise permanent("CONFIG_INVALID", f'no workflow "{workflow_id}" in project "{self.app.project["id"]}"', "workflow")
        trigger = {"type": "call", "body": None if body is UNDEFINED else body, "callerRunId": self.run.id, "callerNodeId": self.node["id"]}
        child = Run(self.app, definition, trigger, depth=self.run.depth + 1, parent_run_id=self.run.id)
        return await child.execute()
