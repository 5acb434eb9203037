import { describe, expect, it } from 'vitest';
import { createRegistry } from '../nodes/registry.js';
import { compileGraph } from './compile.js';
import { validateWorkflow } from './validate.js';
import { GREET_WORKFLOW as greet } from '../testing/fixtures.js';

const registry = createRegistry();


function withChanges(changes: Record<string, unknown>) {
  return { ...structuredClone(greet), ...changes };
}

describe('validateWorkflow', () => {
  it('accepts the greet example of the issue and applies defaults', () => {
    const result = validateWorkflow(greet, registry);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.definition?.settings).toEqual({});
    expect(result.definition?.nodes[1]?.config).toEqual({ fields: { message: 'Hello, {{ trigger.body.name }}!' } });
  });

  it('names the node and field of an unknown type and a missing required field', () => {
    const { errors } = validateWorkflow(
      withChanges({
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'x', type: 'teleport' },
          { id: 'call', type: 'http', config: { method: 'GET' } },
        ],
        edges: [
          { source: 'start', target: 'x' },
          { source: 'x', target: 'call' },
        ],
      }),
      registry,
    );
    expect(errors).toEqual([
      expect.objectContaining({ code: 'unknown_node_type', nodeId: 'x', field: 'type', path: 'nodes[1].type' }),
      expect.objectContaining({ code: 'missing_field', nodeId: 'call', field: 'url', path: 'nodes[2].config.url', message: 'node "call": "URL" is required' }),
    ]);
  });

  it('rejects dangling edges, wrong outputs and duplicate ids', () => {
    const { errors } = validateWorkflow(
      withChanges({
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'check', type: 'condition', config: { condition: '{{ input.ok }}' } },
          { id: 'check', type: 'set', config: { fields: {} } },
        ],
        edges: [
          { source: 'start', target: 'ghost' },
          { source: 'start', target: 'check' },
          { source: 'check', target: 'start', sourceOutput: 'maybe' },
        ],
      }),
      registry,
    );
    const codes = errors.map((e) => e.code);
    expect(codes).toContain('duplicate_node');
    expect(codes).toContain('dangling_edge');
    expect(codes).toContain('invalid_output');
    expect(errors.find((e) => e.code === 'dangling_edge')?.message).toBe('edge 0: target "ghost" is not a node of this workflow');
  });

  it('rejects a cycle outside a loop node and names it', () => {
    const { errors } = validateWorkflow(
      withChanges({
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'a', type: 'set', config: { fields: { x: 1 } } },
          { id: 'b', type: 'set', config: { fields: { x: 2 } } },
        ],
        edges: [
          { source: 'start', target: 'a' },
          { source: 'a', target: 'b' },
          { source: 'b', target: 'a' },
        ],
      }),
      registry,
    );
    expect(errors).toEqual([expect.objectContaining({ code: 'cycle', message: 'cycle "a" → "b" → "a": a workflow may only loop back into a node of type "loop"' })]);
  });

  it('accepts a cycle back into a loop node and compiles its body', () => {
    const def = withChanges({
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'each', type: 'loop', config: { items: '{{ trigger.body.items }}' } },
        { id: 'double', type: 'transform', config: { value: '{{ input * 2 }}' } },
        { id: 'after', type: 'set', config: { fields: { all: '{{ input }}' } } },
      ],
      edges: [
        { source: 'start', target: 'each' },
        { source: 'each', sourceOutput: 'item', target: 'double' },
        { source: 'double', target: 'each' },
        { source: 'each', sourceOutput: 'done', target: 'after' },
      ],
    });
    const result = validateWorkflow(def, registry);
    expect(result.errors).toEqual([]);
    const graph = compileGraph(result.definition!);
    expect([...graph.loopBodies.get('each')!]).toEqual(['double']);
    expect(graph.backEdges.get('each')?.map((e) => e.source)).toEqual(['double']);
    expect(graph.enclosingLoop.get('double')).toBe('each');
  });

  it('rejects bad expressions and references to unknown nodes, naming node, field and path', () => {
    const { errors } = validateWorkflow(
      withChanges({
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'hello', type: 'set', config: { fields: { a: '{{ trigger.body. }}', b: '{{ nodes.ghost.output }}', c: '{{ process.env }}', d: '{{ x | nope }}' } } },
        ],
      }),
      registry,
    );
    expect(errors.map((e) => [e.code, e.nodeId, e.path])).toEqual([
      ['invalid_expression', 'hello', 'nodes[1].config.fields.a'],
      ['invalid_expression', 'hello', 'nodes[1].config.fields.d'],
      ['unknown_reference', 'hello', 'nodes[1].config.fields.b'],
      ['invalid_expression', 'hello', 'nodes[1].config.fields.c'],
      ['invalid_expression', 'hello', 'nodes[1].config.fields.d'],
    ]);
    expect(errors[0]?.message).toMatch(/^node "hello", field "fields.a": expected a property name/);
  });

  it('refuses a 24 KB chain expression with expression_too_deep instead of overflowing the stack', () => {
    const chain = Array(12_000).fill('1').join('+');
    const { errors } = validateWorkflow(
      withChanges({ nodes: [{ id: 'start', type: 'trigger' }, { id: 'hello', type: 'set', config: { fields: { n: `{{ ${chain} }}` } } }] }),
      registry,
    );
    expect(errors.map((e) => [e.code, e.nodeId, e.path])).toEqual([['expression_too_deep', 'hello', 'nodes[1].config.fields.n']]);
    expect(errors[0]?.message).toMatch(/nested too deeply/);
  });

  it('checks trigger, visibility, endpoint clashes and cron', () => {
    const clash = validateWorkflow(greet, registry, { workflows: [{ id: 'other', visibility: 'public', endpoint: { method: 'POST', path: '/greet/' } }] });
    expect(clash.errors).toEqual([expect.objectContaining({ code: 'endpoint_clash', path: 'endpoint.path' })]);
    const noClash = validateWorkflow(greet, registry, { workflows: [{ id: 'other', visibility: 'public', endpoint: { method: 'GET', path: '/greet' } }] });
    expect(noClash.errors).toEqual([]);
    const internal = validateWorkflow(withChanges({ visibility: 'internal' }), registry);
    expect(internal.errors.map((e) => e.code)).toEqual(['endpoint_not_allowed', 'endpoint_required']);
    const cron = validateWorkflow(withChanges({ visibility: 'internal', endpoint: undefined, trigger: { type: 'cron', expression: '99 * * * *' } }), registry);
    expect(cron.errors).toEqual([expect.objectContaining({ code: 'invalid_cron', path: 'trigger.expression' })]);
  });

  it('rejects hostile shapes with precise errors', () => {
    expect(validateWorkflow(null, registry).errors[0]?.code).toBe('invalid_definition');
    expect(validateWorkflow({ ...greet, nodes: 'many' }, registry).errors[0]?.path).toBe('nodes');
    expect(validateWorkflow({ ...greet, id: '../../etc' }, registry).errors[0]?.path).toBe('id');
    const big = withChanges({ description: 'x'.repeat(2 * 1024 * 1024) });
    expect(validateWorkflow(big, registry).errors[0]?.code).toBe('too_large');
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { deep };
    const nested = withChanges({ nodes: [greet.nodes[0], { id: 'hello', type: 'transform', config: { value: deep } }] });
    expect(validateWorkflow(nested, registry).errors[0]).toMatchObject({ code: 'too_large', nodeId: 'hello' });
    expect(validateWorkflow(withChanges({ nodes: [{ id: 'hello', type: 'set', config: { fields: {} } }], edges: [] }), registry).errors[0]?.code).toBe('no_trigger');
  });

  it('warns about unreachable nodes without refusing the save', () => {
    const result = validateWorkflow(withChanges({ nodes: [...greet.nodes, { id: 'lonely', type: 'set', config: { fields: { a: 1 } } }] }), registry);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'unreachable_node', nodeId: 'lonely' })]);
  });

  it('requires condition edges to name their branch', () => {
    const { errors } = validateWorkflow(
      withChanges({
        nodes: [
          { id: 'start', type: 'trigger' },
          { id: 'check', type: 'condition', config: { mode: 'switch', value: '{{ input.body.plan }}', cases: ['free', 'pro'] } },
          { id: 'hello', type: 'set', config: { fields: { a: 1 } } },
        ],
        edges: [
          { source: 'start', target: 'check' },
          { source: 'check', target: 'hello' },
        ],
      }),
      registry,
    );
    expect(errors[0]?.message).toBe('edge 1: node "check" has no output "main"; name one of its outputs in "sourceOutput": free, pro, default');
  });
});
