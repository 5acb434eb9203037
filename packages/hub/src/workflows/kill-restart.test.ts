import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHub, type HubProcess } from '../testing/hub-process.js';
import { apiClient, eventually } from './testing.js';

const RUNS = 200;

// Records every side effect a node makes: which run, which node, when.
const hits: { run: string; node: string; at: number }[] = [];
const counter = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const { run, node } = JSON.parse(body) as { run: string; node: string };
    hits.push({ run, node, at: Date.now() });
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ node, ok: true })), 20);
  });
});

let dataDir: string;
let counterUrl: string;
const hubs: HubProcess[] = [];

beforeAll(async () => {
  await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
  counterUrl = `http://127.0.0.1:${(counter.address() as AddressInfo).port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'rh-kill-'));
});

afterAll(async () => {
  for (const hub of hubs) if (hub.proc.exitCode === null && hub.proc.signalCode === null) hub.proc.kill('SIGKILL');
  await new Promise<void>((resolve) => counter.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

const hit = (node: string) => ({
  id: node,
  type: 'http',
  config: { method: 'POST', url: `${'{{ env.COUNTER }}'}/hit`, body: { run: '{{ run.id }}', node } },
  retry: { maxRetries: 5, initialBackoffMs: 200 },
});

describe('kill -9 during 200 concurrent runs', () => {
  it('every run completes with its expected output after a restart, and no finished node runs again', async () => {
    const first = await spawnHub(['--port', '0', '--data', dataDir]);
    hubs.push(first);
    let api = apiClient(first.url);
    await api('POST', '/api/v1/projects', { id: 'crash', name: 'Crash', env: { COUNTER: counterUrl } });
    const durable = {
      id: 'durable',
      name: 'Durable',
      nodes: [
        { id: 'start', type: 'trigger' },
        hit('a'),
        { id: 'pause', type: 'wait', config: { duration: '{{ 300 + trigger.body.i * 3 }}' } },
        hit('b'),
        { id: 'out', type: 'set', config: { fields: { i: '{{ trigger.body.i }}', a: '{{ nodes.a.output.body.node }}', b: '{{ input.body.node }}' } } },
      ],
      edges: [
        { source: 'start', target: 'a' },
        { source: 'a', target: 'pause' },
        { source: 'pause', target: 'b' },
        { source: 'b', target: 'out' },
      ],
    };
    const late = {
      id: 'late',
      name: 'Late',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'pause', type: 'wait', config: { duration: '1500ms' } },
        { id: 'out', type: 'set', config: { fields: { fired: true } } },
      ],
      edges: [
        { source: 'start', target: 'pause' },
        { source: 'pause', target: 'out' },
      ],
    };
    expect((await api('POST', '/api/v1/projects/crash/workflows', durable)).status).toBe(201);
    expect((await api('POST', '/api/v1/projects/crash/workflows', late)).status).toBe(201);

    const started = await Promise.all(Array.from({ length: RUNS }, (_, i) => api('POST', '/api/v1/projects/crash/workflows/durable/runs', { i })));
    const runIds = started.map((r) => r.body.runId as string);
    expect(new Set(runIds).size).toBe(RUNS);
    // Let the runs spread out over their nodes, then kill the hub in the middle of it.
    await eventually(async () => (hits.filter((h) => h.node === 'b').length > 20 ? true : undefined), 15_000, 'some runs to reach b');
    const lateRun = (await api('POST', '/api/v1/projects/crash/workflows/late/runs', {})).body.runId as string;
    first.proc.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();

    // What had finished, as the database says after the crash.
    const db = new Database(join(dataDir, 'workflows.sqlite'), { readonly: true });
    const finished = db.prepare("SELECT record FROM steps WHERE json_extract(record, '$.status') = 'succeeded'").pluck().all() as string[];
    const runStatus = db.prepare('SELECT status, count(*) AS n FROM runs GROUP BY status').all() as { status: string; n: number }[];
    db.close();
    const done = new Set(finished.map((r) => JSON.parse(r) as { runId: string; nodeId: string }).map((s) => `${s.runId}/${s.nodeId}`));
    const unfinished = runStatus.filter((r) => r.status !== 'succeeded').reduce((n, r) => n + r.n, 0);
    expect(unfinished).toBeGreaterThan(0);

    // Down long enough for the late run's wait to fall due.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const second = await spawnHub(['--port', '0', '--data', dataDir]);
    hubs.push(second);
    const restartedAt = Date.now();
    api = apiClient(second.url);

    await eventually(
      async () => {
        const { body } = await api('GET', '/api/v1/runs?project=crash&limit=500');
        const open = body.runs.filter((r: { status: string }) => !['succeeded', 'failed', 'cancelled'].includes(r.status));
        return body.runs.length === RUNS + 1 && open.length === 0 ? true : undefined;
      },
      30_000,
      'all runs to finish after the restart',
    );
    const results = await Promise.all([...runIds, lateRun].map(async (id) => (await api('GET', `/api/v1/runs/${id}`)).body));
    const durableRuns = results.slice(0, RUNS);
    for (const [i, { run }] of durableRuns.entries()) {
      expect(run.status, run.id).toBe('succeeded');
      expect(run.output).toEqual({ i, a: 'a', b: 'b' });
    }
    // Nodes that had finished before the kill never ran again; every node ran at least once.
    const again = hits.filter((h) => h.at > killedAt && done.has(`${h.run}/${h.node}`));
    expect(again).toEqual([]);
    for (const id of runIds) for (const node of ['a', 'b']) expect(hits.some((h) => h.run === id && h.node === node), `${id}/${node}`).toBe(true);

    // Every run's spans match its steps: spans lost between a step's commit and the span store
    // (kill -9 in that window) were emitted again on resume or from the run's span debt.
    let mismatches: string[] = [];
    await eventually(
      async () => {
        mismatches = [];
        for (const { run, steps } of results) {
          const { body } = await api('GET', `/api/v1/traces/${run.traceId}`);
          const spans = new Map<string, { endTime: number | null; status: string }>((body.spans ?? []).map((s: { spanId: string }) => [s.spanId, s]));
          const runSpan = spans.get(run.spanId);
          if (!runSpan || runSpan.endTime === null || runSpan.status !== 'ok') mismatches.push(`${run.id}: run span ${runSpan ? `status ${runSpan.status}` : 'missing'}`);
          for (const step of steps as { nodeId: string; attempt: number; spanId: string; status: string }[]) {
            const span = spans.get(step.spanId);
            const ended = ['succeeded', 'failed', 'cancelled'].includes(step.status);
            if (!span || (span.endTime !== null) !== ended) mismatches.push(`${run.id}/${step.nodeId}#${step.attempt}: ${span ? 'running' : 'missing'}`);
          }
        }
        return mismatches.length === 0 ? true : undefined;
      },
      20_000,
      'every span to match its step',
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${mismatches.length} mismatches, e.g.\n${mismatches.slice(0, 10).join('\n')}`);
    });

    // The wait that fell due during the downtime fired after the restart.
    const lateDetail = results[RUNS];
    expect(lateDetail.run).toMatchObject({ status: 'succeeded', output: { fired: true } });
    const wait = lateDetail.steps.find((s: { nodeId: string }) => s.nodeId === 'pause');
    expect(wait.endedAt).toBeGreaterThanOrEqual(restartedAt - 1000);
    expect(wait.dueAt).toBeLessThan(restartedAt);
  }, 90_000);
});
