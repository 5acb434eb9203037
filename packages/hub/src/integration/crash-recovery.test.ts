import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnHub } from '../testing/hub-process.js';
import { postSpans, spanRecord } from '../testing/test-hub.js';

const dataDir = mkdtempSync(join(tmpdir(), 'rh-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function storedCount(url: string, service: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const res: Response = await fetch(`${url}/api/v1/spans?service=${service}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    const page = (await res.json()) as { spans: { spanId: string }[]; nextCursor: string | null };
    for (const span of page.spans) ids.add(span.spanId);
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe('crash recovery', () => {
  it('keeps every acknowledged span after kill -9 during ingest', async () => {
    const hub = await spawnHub(['--port', '0', '--data', dataDir]);
    const acknowledged: string[] = [];
    let stop = false;
    // Two concurrent clients keep posting until the hub dies under them.
    const client = async () => {
      while (!stop) {
        const spans = Array.from({ length: 200 }, () => spanRecord({ service: 'crash-app', input: { payload: 'x'.repeat(200) } }));
        try {
          const res = await postSpans(hub.url, spans);
          if (res.status === 200) {
            const body = (await res.json()) as { accepted: number };
            expect(body.accepted).toBe(200);
            acknowledged.push(...spans.map((s) => s.spanId as string));
          }
        } catch {
          return; // connection refused or reset: the hub is gone
        }
      }
    };
    const clients = [client(), client()];
    while (acknowledged.length < 5_000) await new Promise((r) => setTimeout(r, 20));
    hub.proc.kill('SIGKILL');
    await hub.exited;
    stop = true;
    await Promise.all(clients);

    const restarted = await spawnHub(['--port', '0', '--data', dataDir]);
    try {
      const stored = await storedCount(restarted.url, 'crash-app');
      const missing = acknowledged.filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      expect(acknowledged.length).toBeGreaterThanOrEqual(5_000);
    } finally {
      restarted.proc.kill('SIGTERM');
      await restarted.exited;
    }
  });

  it('shuts down gracefully on SIGTERM with everything acknowledged committed', async () => {
    const hub = await spawnHub(['--port', '0', '--data', dataDir]);
    const spans = Array.from({ length: 500 }, () => spanRecord({ service: 'graceful-app' }));
    expect((await postSpans(hub.url, spans)).status).toBe(200);
    hub.proc.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
    const restarted = await spawnHub(['--port', '0', '--data', dataDir]);
    try {
      expect((await storedCount(restarted.url, 'graceful-app')).size).toBe(500);
    } finally {
      restarted.proc.kill('SIGTERM');
      await restarted.exited;
    }
  });
});
