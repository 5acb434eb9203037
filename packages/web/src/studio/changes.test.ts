import type { WorkflowDefinition } from '@runtime-hub/protocol';
import { describe, expect, it } from 'vitest';
import { applyChange, invertChange, type WorkflowChange } from './changes';
import { edit, redo, startEditing, undo } from './history';

const greet: WorkflowDefinition = {
  id: 'greet',
  name: 'Greet',
  visibility: 'public',
  endpoint: { method: 'POST', path: '/greet' },
  trigger: { type: 'webhook' },
  settings: {},
  nodes: [
    { id: 'start', type: 'trigger', name: 'Webhook', config: {}, position: { x: 0, y: 0 } },
    { id: 'hello', type: 'set', name: 'Say hello', config: { fields: { message: 'Hello, {{ trigger.body.name }}!' } }, position: { x: 260, y: 0 } },
  ],
  edges: [{ source: 'start', target: 'hello' }],
};

const changes: WorkflowChange[] = [
  { type: 'addNode', node: { id: 'call', type: 'http', config: { url: 'http://x' } } },
  { type: 'addEdge', edge: { source: 'hello', target: 'call' } },
  { type: 'setConfig', id: 'call', field: 'method', value: 'POST' },
  { type: 'setConfig', id: 'hello', field: 'fields', value: { message: 'Hi' } },
  { type: 'updateNode', id: 'hello', patch: { name: 'Say hi', notes: 'greets' } },
  { type: 'moveNodes', positions: { hello: { x: 300, y: 40 }, call: { x: 600, y: 0 } } },
  { type: 'removeEdges', edges: [{ source: 'start', target: 'hello' }] },
  { type: 'removeNodes', ids: ['hello'] },
  { type: 'updateWorkflow', patch: { name: 'Greeter', description: 'says hello' } },
  { type: 'batch', changes: [{ type: 'addNode', node: { id: 'b', type: 'set', config: {} }, index: 0 }, { type: 'addEdge', edge: { source: 'start', sourceOutput: 'main', target: 'b' } }] },
  { type: 'setPin', id: 'call', output: { status: 200, body: { pinned: true } } },
  { type: 'addSticky', note: { id: 'n1', text: 'Why: <b>not bold</b>', position: { x: 0, y: -200 }, width: 240, height: 140 } },
  { type: 'updateSticky', id: 'n1', patch: { text: 'edited', width: 300, position: { x: 10, y: -220 } } },
  { type: 'addSticky', note: { id: 'n2', text: 'second', position: { x: 400, y: -200 }, width: 200, height: 100, color: 'blue' } },
  { type: 'removeStickies', ids: ['n1'] },
  { type: 'removeNodes', ids: ['call'] },
  { type: 'setPin', id: 'b', output: [1, 2] },
  { type: 'setPin', id: 'b', output: undefined },
];

describe('workflow changes', () => {
  it('applies without mutating the original', () => {
    const before = structuredClone(greet);
    const after = changes.reduce(applyChange, greet);
    expect(greet).toEqual(before);
    expect(after.nodes.map((n) => n.id)).toEqual(['b', 'start']);
    expect(after.stickyNotes?.map((n) => n.id)).toEqual(['n2']);
    expect(after.name).toBe('Greeter');
  });

  it('every change undone by its inverse gives the same JSON, order included', () => {
    let state = greet;
    for (const change of changes) {
      const inverse = invertChange(state, change);
      const next = applyChange(state, change);
      expect(JSON.stringify(applyChange(next, inverse))).toBe(JSON.stringify(state));
      state = next;
    }
  });

  it('pins and sticky notes: removing a pinned node drops its pin and undo restores it; empty lists leave the definition', () => {
    const pinned = applyChange(greet, { type: 'setPin', id: 'hello', output: { message: 'pinned' } });
    expect(pinned.pinned).toEqual({ hello: { message: 'pinned' } });
    const removed = applyChange(pinned, { type: 'removeNodes', ids: ['hello'] });
    expect(removed.pinned).toBeUndefined();
    expect(applyChange(removed, invertChange(pinned, { type: 'removeNodes', ids: ['hello'] }))).toEqual(pinned);
    const noted = applyChange(greet, { type: 'addSticky', note: { id: 'n', text: 't', position: { x: 0, y: 0 }, width: 240, height: 140 } });
    expect(applyChange(noted, { type: 'removeStickies', ids: ['n'] })).toEqual(greet);
    expect(applyChange(pinned, { type: 'setPin', id: 'hello', output: undefined })).toEqual(greet);
  });

  it('removing a node removes its edges and undo brings both back in place', () => {
    const removed = applyChange(greet, { type: 'removeNodes', ids: ['start'] });
    expect(removed.edges).toEqual([]);
    const undone = applyChange(removed, invertChange(greet, { type: 'removeNodes', ids: ['start'] }));
    expect(undone).toEqual(greet);
  });

  it('a duplicate edge or node id is not added twice', () => {
    expect(applyChange(greet, { type: 'addEdge', edge: { source: 'start', target: 'hello' } })).toBe(greet);
    expect(applyChange(greet, { type: 'addNode', node: { id: 'hello', type: 'set', config: {} } })).toBe(greet);
  });
});

describe('undo / redo', () => {
  it('twenty edits undone give the original, redone give the edited JSON', () => {
    let state = startEditing(greet);
    for (let i = 0; i < 20; i++) {
      const change: WorkflowChange =
        i % 4 === 0
          ? { type: 'addNode', node: { id: `n${i}`, type: 'set', config: { fields: { i } } } }
          : i % 4 === 1
            ? { type: 'addEdge', edge: { source: 'hello', target: `n${i - 1}` } }
            : i % 4 === 2
              ? { type: 'moveNodes', positions: { hello: { x: i, y: i } } }
              : { type: 'setConfig', id: 'hello', field: 'keepInput', value: i % 8 === 3 };
      state = edit(state, change, { now: i * 10_000 });
    }
    const edited = JSON.stringify(state.workflow);
    for (let i = 0; i < 20; i++) state = undo(state);
    expect(JSON.stringify(state.workflow)).toBe(JSON.stringify(greet));
    expect(undo(state)).toBe(state);
    for (let i = 0; i < 20; i++) state = redo(state);
    expect(JSON.stringify(state.workflow)).toBe(edited);
  });

  it('typing in one field within a second is one undo step; a new edit clears redo', () => {
    let state = startEditing(greet);
    for (const [i, text] of ['H', 'Hi', 'Hi!'].entries()) state = edit(state, { type: 'setConfig', id: 'hello', field: 'fields', value: { message: text } }, { key: 'hello.fields', now: 1000 + i * 200 });
    expect(state.past).toHaveLength(1);
    state = undo(state);
    expect(state.workflow).toEqual(greet);
    state = edit(state, { type: 'updateNode', id: 'hello', patch: { name: 'x' } });
    expect(state.future).toHaveLength(0);
  });
});
