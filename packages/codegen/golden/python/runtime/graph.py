"""The graph of a workflow and the state of one run, as a pure state machine (the engine's
packages/engine/src/graph/compile.ts and run/state.ts, line for line): a node runs once every edge
into it has delivered a value or been skipped and at least one delivered; a node whose inputs were
all skipped is skipped too; a result leaves on one output; a loop sends one item at a time into its
body and collects what comes back on the edges into it."""

PENDING, ACTIVE, SKIPPED = 0, 1, 2
LOOP_TYPE = "loop"
TRIGGER_TYPE = "trigger"


class Edge:
    __slots__ = ("index", "source", "output", "target", "back")

    def __init__(self, index, source, output, target):
        self.index, self.source, self.output, self.target, self.back = index, source, output, target, False


def _loop_body(loop_id, edges):
    out = {}
    for e in edges:
        out.setdefault(e.source, []).append(e.target)
    body = set()
    stack = [e.target for e in edges if e.source == loop_id and e.output == "item"]
    while stack:
        node = stack.pop()
        if node == loop_id or node in body:
            continue
        body.add(node)
        stack.extend(out.get(node, []))
    return body


class Graph:
    def __init__(self, definition):
        self.definition = definition
        self.nodes = {n["id"]: n for n in definition["nodes"]}
        self.edges = [Edge(i, e["source"], e.get("sourceOutput") or "main", e["target"]) for i, e in enumerate(definition.get("edges", []))]
        self.loop_bodies = {n["id"]: _loop_body(n["id"], self.edges) for n in definition["nodes"] if n["type"] == LOOP_TYPE}
        self.incoming, self.outgoing, self.back_edges = {}, {}, {}
        for e in self.edges:
            e.back = e.source in self.loop_bodies.get(e.target, ())
            self.outgoing.setdefault(e.source, []).append(e)
            (self.back_edges if e.back else self.incoming).setdefault(e.target, []).append(e)
        self.enclosing_loop = {}
        for loop_id, body in sorted(self.loop_bodies.items(), key=lambda item: -len(item[1])):
            for node in body:
                self.enclosing_loop[node] = loop_id
        self.trigger_id = next((n["id"] for n in definition["nodes"] if n["type"] == TRIGGER_TYPE), "")


class State:
    def __init__(self, graph):
        self.graph = graph
        self.edge_status = [PENDING] * len(graph.edges)
        self.edge_value = [None] * len(graph.edges)
        self.status = {nid: "idle" for nid in graph.nodes}
        self.visits = {}
        self.outputs = {}
        self.loops = {}
        self.activations = 0
        self.last_node = None
        self.response = None

    def start_node(self, node_id):
        visit = self.visits.get(node_id, 0) + 1
        self.visits[node_id] = visit
        self.status[node_id] = "started"
        self.activations += 1
        return visit

    def inputs_of(self, node_id):
        return [
            {"source": e.source, "value": self.edge_value[e.index]}
            for e in self.graph.incoming.get(node_id, [])
            if self.edge_status[e.index] == ACTIVE
        ]

    def _set_edges(self, node_id, branch, value, candidates):
        for e in self.graph.outgoing.get(node_id, []):
            if branch is not None and e.output == branch:
                self.edge_status[e.index], self.edge_value[e.index] = ACTIVE, value
            else:
                self.edge_status[e.index], self.edge_value[e.index] = SKIPPED, None
            candidates.append(e.target)

    def _resolved(self, node_id, candidates):
        loop = self.graph.enclosing_loop.get(node_id)
        if loop:
            candidates.append(loop)

    def apply(self, node_id, branch, output, items=None, response=None):
        """Applies a finished activation; returns the nodes whose readiness may have changed."""
        node = self.graph.nodes.get(node_id)
        candidates = []
        if node is None:
            return candidates
        if response is not None and self.response is None:
            self.response = response
        if node["type"] == LOOP_TYPE:
            self._apply_loop(node_id, branch, output, items, candidates)
            if self.status.get(node_id) == "done":
                self._resolved(node_id, candidates)
            return candidates
        self.status[node_id] = "done"
        self.outputs[node_id] = output
        if node["type"] != TRIGGER_TYPE or self.last_node is None:
            self.last_node = node_id
        self._set_edges(node_id, branch, output, candidates)
        self._resolved(node_id, candidates)
        return candidates

    def _apply_loop(self, loop_id, branch, output, items, candidates):
        loop = self.loops.get(loop_id)
        if items is not None or loop is None:
            loop = {"items": items or [], "index": -1, "results": []}
            self.loops[loop_id] = loop
        else:
            self._collect(loop_id, loop)
        if branch == "item":
            self._reset_body(loop_id)
            loop["index"] += 1
            self.status[loop_id] = "looping"
            self.outputs[loop_id] = output
            for e in self.graph.outgoing.get(loop_id, []):
                if e.output != "item":
                    continue
                self.edge_status[e.index], self.edge_value[e.index] = ACTIVE, output
                candidates.append(e.target)
            return
        for nid in self.graph.loop_bodies.get(loop_id, ()):
            if self.status.get(nid) == "idle":
                self.status[nid] = "skipped"
        self.status[loop_id] = "done"
        self.outputs[loop_id] = output
        self.last_node = loop_id
        for e in self.graph.outgoing.get(loop_id, []):
            if e.output == "item":
                continue
            if e.output == "done":
                self.edge_status[e.index], self.edge_value[e.index] = ACTIVE, output
            else:
                self.edge_status[e.index] = SKIPPED
            candidates.append(e.target)

    def _collect(self, loop_id, loop):
        if loop["index"] < 0:
            return
        for e in self.graph.back_edges.get(loop_id, []):
            if self.edge_status[e.index] == ACTIVE:
                loop["results"].append(self.edge_value[e.index])
                return

    def _reset_body(self, loop_id):
        body = self.graph.loop_bodies.get(loop_id)
        if not body:
            return
        for nid in body:
            self.status[nid] = "idle"
            self.loops.pop(nid, None)
        for e in self.graph.edges:
            if e.source in body or (e.source == loop_id and e.output == "item"):
                self.edge_status[e.index], self.edge_value[e.index] = PENDING, None

    def next_loop_emission(self, loop_id):
        loop = self.loops.get(loop_id)
        if loop is None:
            return "done", []
        nxt = loop["index"] + 1
        if nxt < len(loop["items"]):
            return "item", loop["items"][nxt]
        results = list(loop["results"])
        if loop["index"] >= 0:
            for e in self.graph.back_edges.get(loop_id, []):
                if self.edge_status[e.index] == ACTIVE:
                    results.append(self.edge_value[e.index])
                    break
        return "done", results

    def _body_resolved(self, loop_id):
        return all(self.status.get(nid) in ("done", "skipped") for nid in self.graph.loop_bodies.get(loop_id, ()))

    def settle(self, candidates):
        """Propagates skips; returns the actions that can run now: ("run" | "loop-next", node id)."""
        actions, queued, todo = [], set(), list(candidates)
        while todo:
            nid = todo.pop()
            node = self.graph.nodes.get(nid)
            if node is None:
                continue
            status = self.status.get(nid)
            if status == "looping":
                if nid not in queued and self._body_resolved(nid):
                    queued.add(nid)
                    actions.append(("loop-next", nid))
                continue
            if status != "idle" or nid in queued:
                continue
            if node["type"] == TRIGGER_TYPE:
                if nid not in self.visits:
                    queued.add(nid)
                    actions.append(("run", nid))
                continue
            incoming = self.graph.incoming.get(nid, [])
            if not incoming:
                continue
            states = [self.edge_status[e.index] for e in incoming]
            if PENDING in states:
                continue
            if ACTIVE in states:
                queued.add(nid)
                actions.append(("run", nid))
                continue
            self.status[nid] = "skipped"
            nxt = []
            self._set_edges(nid, None, None, nxt)
            self._resolved(nid, nxt)
            todo.extend(nxt)
        actions.reverse()
        return actions
