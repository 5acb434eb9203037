import type { TriggerData } from '@runtime-hub/protocol';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../nodes/registry.js';
import { validateWorkflow } from '../graph/validate.js';
import { jsonResponse, scriptedHttp, testEngine } from '../testing/harness.js';
import { secretsInPins } from './pins.js';

/** trigger → fetch (http, pinned) → shape (reads the fetched body). */
const pinnedWorkflow = {
  id: 'pinned',
  name: 'Pinned',
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'fetch', type: 'http', config: { url: 'http://api.test/users' } },
    { id: 'shape', type: 'set', config: { fields: { who: '{{ input.body.name }}' } } },
  ],
  edges: [
    { source: 'start', target: 'fetch' },
    { source: 'fetch', target: 'shape' },
  ],
  pinned: { fetch: { status: 200, headers: {}, body: { name: 'pinned Ada' } } },
};

const triggers: Record<string, TriggerData> = {
  webhook: { type: 'webhook', method: 'POST', path: '/p', params: {}, query: {}, headers: {}, body: {} },
  cron: { type: 'cron', scheduledAt: '2024-01-01T00:00:00.000Z', firedAt: '2024-01-01T00:00:00.000Z' },
  call: { type: 'call', body: {}, callerRunId: 'a'.repeat(32), callerNodeId: 'x' },
};

describe('pinned data', () => {
  it('a manual run uses the pin instead of executing the node, and marks the step', async () => {
    const http = scriptedHttp(() => jsonResponse(200, { name: 'live Bob' }));
    const t = await testEngine([pinnedWorkflow], { http });
    const run = await t.engine.startRun({ project: 'demo', workflow: 'pinned', trigger: { type: 'manual', body: {} } });
    const done = await t.engine.waitForRun(run.id);
    expect(done).toMatchObject({ status: 'succeeded', output: { who: 'pinned Ada' } });
    expect(http.calls).toHaveLength(0);
    const steps = (await t.engine.getRun(run.id))?.steps ?? [];
    expect(steps.find((s) => s.nodeId === 'fetch')).toMatchObject({ status: 'succeeded', pinned: true });
    expect(t.spans.find((s) => s.attributes?.['workflow.node.id'] === 'fetch')?.attributes?.['workflow.step.pinned']).toBe(true);
  });

  for (const [kind, trigger] of Object.entries(triggers)) {
    it(`a ${kind} run never uses pins: the node executes`, async () => {
      const http = scriptedHttp(() => jsonResponse(200, { name: 'live Bob' }));
      const t = await testEngine([pinnedWorkflow], { http });
      const run = await t.engine.startRun({ project: 'demo', workflow: 'pinned', trigger });
      expect(await t.engine.waitForRun(run.id)).toMatchObject({ status: 'succeeded', output: { who: 'live Bob' } });
      expect(http.calls).toHaveLength(1);
      const steps = (await t.engine.getRun(run.id))?.steps ?? [];
      expect(steps.find((s) => s.nodeId === 'fetch')?.pinned).toBeUndefined();
    });
  }

  it('the validator refuses pins on unknown nodes, triggers, loops and branching nodes, and oversized pins', () => {
    const registry = createRegistry();
    const def = {
      ...pinnedWorkflow,
      nodes: [...pinnedWorkflow.nodes, { id: 'check', type: 'condition', config: { condition: '{{ true }}' } }],
      edges: [...pinnedWorkflow.edges, { source: 'shape', target: 'check' }],
      pinned: { ghost: 1, start: {}, check: true, fetch: { blob: 'x'.repeat(600 * 1024) } },
    };
    const { errors } = validateWorkflow(def, registry);
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ['invalid_pin', 'pinned.ghost'],
      ['invalid_pin', 'pinned.start'],
      ['invalid_pin', 'pinned.check'],
      ['too_large', 'pinned'],
    ]);
    expect(validateWorkflow(pinnedWorkflow, registry).errors).toEqual([]);
  });

  it('finds a secret value, or its base64, inside a pin and names the secret, never the value', () => {
    const secrets = { TOKEN: 's3cr3t-value', OTHER: 'unrelated-value' };
    const pins = {
      fetch: { headers: { authorization: 'Bearer s3cr3t-value' } },
      shape: { encoded: Buffer.from('s3cr3t-value').toString('base64') },
      fine: { masked: '[secret:TOKEN]' },
    };
    const issues = secretsInPins(pins, secrets);
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['secret_in_pin', 'pinned.fetch'],
      ['secret_in_pin', 'pinned.shape'],
    ]);
    expect(issues[0]?.message).toContain('"TOKEN"');
    expect(JSON.stringify(issues)).not.toContain('s3cr3t-value');
  });
});
