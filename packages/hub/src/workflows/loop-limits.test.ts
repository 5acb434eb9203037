import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOP_WORKFLOW } from '@runtime-hub/engine/testing';
import { startTestHub, type TestHub } from '../testing/test-hub.js';
import { apiClient } from './testing.js';

const EACH = { ...LOOP_WORKFLOW, settings: { responseTimeoutMs: 120_000 } };

const items = (n: number) => ({ items: Array.from({ length: n }, (_, i) => i) });

let hub: TestHub;
let api: ReturnType<typeof apiClient>;
beforeAll(async () => {
  hub = await startTestHub({ workflowLimits: { maxLoopItems: 30_000 } });
  api = apiClient(hub.url);
  expect((await api('POST', '/api/v1/projects', { id: 'demo', name: 'Demo' })).status).toBe(201);
  expect((await api('POST', '/api/v1/projects/demo/workflows', EACH)).status).toBe(201);
});
afterAll(() => hub.close());

describe('a loop over many items', () => {
  it('leaves the hub answering /api/health while 20,000 items run', async () => {
    let finished = false;
    const run = api('POST', '/w/demo/each', items(20_000)).finally(() => (finished = true));
    // Health checks one after another for as long as the run is in flight.
    let answered = 0;
    while (!finished) {
      const health = await api('GET', '/api/health');
      expect(health.status).toBe(200);
      if (!finished) answered++;
    }
    const answer = await run;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ count: 20_000, last: { n: 39_998 } });
    // Before slicing, the whole loop ran in one synchronous stretch: nothing else was answered.
    expect(answered).toBeGreaterThanOrEqual(20);
  });

  it('refuses more items than the configured limit with LOOP_TOO_LARGE', async () => {
    const answer = await api('POST', '/w/demo/each', items(30_001));
    expect(answer.status).toBe(500);
    expect(answer.body.error).toMatchObject({ code: 'RUN_FAILED', details: { cause: 'LOOP_TOO_LARGE', nodeId: 'loop' } });
    expect(answer.body.error.message).toMatch(/30001 items; a loop may iterate over at most 30000/);
    const steps = (await api('GET', `/api/v1/runs/${answer.body.error.details.runId}`)).body.steps;
    expect(steps.map((s: { nodeId: string }) => s.nodeId)).toEqual(['start', 'loop']);
  });
});
