import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

describe('POST /api/v1/spans with a flood of bad records', () => {
  it('answers a bounded list with a count, keeps the good records, and lets health checks through meanwhile', async () => {
    const good = [spanRecord(), spanRecord(), spanRecord()];
    const records: unknown[] = Array.from({ length: 100_000 }, () => ({}));
    records.splice(50_000, 0, ...good);
    const body = JSON.stringify({ spans: records }); // ~300 KB

    // Health checks run in a loop; count those answered while the hub works on the big request.
    let answered = 0;
    let stop = false;
    const health = (async () => {
      while (!stop) if ((await fetch(`${t.url}/api/health`)).ok) answered++;
    })();
    let atArrival = -1;
    const onRequest = (req: IncomingMessage) => {
      if (req.method === 'POST' && req.url === '/api/v1/spans') atArrival = answered;
    };
    t.hub.app.server.on('request', onRequest);
    const res = await fetch(`${t.url}/api/v1/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const duringRequest = answered - atArrival;
    const text = await res.text();
    t.hub.app.server.off('request', onRequest);
    stop = true;
    await health;

    expect(res.status).toBe(200);
    const reply = JSON.parse(text) as { accepted: number; rejected: { index: number; code: string }[]; rejectedCount: number };
    expect(reply.accepted).toBe(3);
    expect(reply.rejectedCount).toBe(100_000);
    expect(reply.rejected).toHaveLength(100);
    expect(reply.rejected[0]).toMatchObject({ index: 0, code: 'MISSING_FIELD' });
    expect(text.length).toBeLessThan(50_000);
    expect(atArrival).toBeGreaterThanOrEqual(0);
    expect(duringRequest).toBeGreaterThan(0);
    const stored = (await (await fetch(`${t.url}/api/v1/spans/${good[1]!.spanId as string}`)).json()) as { span: { spanId: string } };
    expect(stored.span.spanId).toBe(good[1]!.spanId);
  });
});
