import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '@runtime-hub/protocol';
import { startPostgres, type PostgresServer } from '../../testing/postgres-server.js';
import { openPostgresWorkflowState, type PostgresWorkflowState } from '../postgres-workflow-state.js';
import { eventually } from '../testing.js';

// A hub's and a worker's workflow state on one real PostgreSQL, as `start --db` and `worker --db`
// open them: the worker's copies of projects and secrets follow the hub's changes by notification.
let server: PostgresServer;
let hub: PostgresWorkflowState;
let worker: PostgresWorkflowState;
const folders: string[] = [];
const key = { iv: randomBytes(12), tag: randomBytes(16), ciphertext: randomBytes(8) };

const workflow = (name: string): WorkflowDefinition => ({ id: 'w', name, version: 1, nodes: [{ id: 'start', type: 'trigger' }], edges: [] }) as unknown as WorkflowDefinition;

/** The statements a pool runs from now on, by text (a worker's reads of the mirror and secrets show here). */
function countQueries(pool: pg.Pool): { names: string[]; stop(): void } {
  const names: string[] = [];
  const original = pool.query.bind(pool);
  pool.query = ((text: unknown, ...rest: unknown[]) => {
    names.push(typeof text === 'string' ? text : String((text as { text?: string }).text));
    return (original as (...args: unknown[]) => unknown)(text, ...rest);
  }) as typeof pool.query;
  return { names, stop: () => void (pool.query = original) };
}

beforeAll(async () => {
  server = await startPostgres();
  const url = await server.createDatabase();
  process.env.RUNTIME_HUB_SECRET_KEY = randomBytes(32).toString('base64');
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-follower-'));
    folders.push(dir);
    return dir;
  };
  hub = await openPostgresWorkflowState(url, { dataDir: folder(), role: 'hub' });
  worker = await openPostgresWorkflowState(url, { dataDir: folder(), role: 'worker' });
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await hub?.close();
  await server?.close();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('a worker follows project and secret changes by notification', () => {
  it('has a published project and a new secret without reading them for a run, and reads nothing before runs once current', async () => {
    await hub.runs.putWorkflowVersion({ project: 'p', workflow: 'w', version: 1, savedAt: Date.now(), definition: workflow('First') });
    await hub.mirror.publish('p', { id: 'p', name: 'P' } as never, [workflow('First')]);
    await hub.secrets.put('p', { name: 'TOKEN', ...key, updatedAt: 1 });
    // Nobody asked the worker to load 'p': the notifications brought it.
    await eventually(async () => (worker.source.getWorkflow('p', 'w')?.name === 'First' && worker.secrets.list('p').length === 1 ? true : undefined));

    const seen = countQueries(worker.runs.pool);
    try {
      // What a worker does before each of 20 runs (WorkflowService.prepareRun), 10 at a time.
      for (let round = 0; round < 2; round++) await Promise.all(Array.from({ length: 10 }, () => Promise.all([worker.source.load('p'), worker.secrets.refresh('p')])));
    } finally {
      seen.stop();
    }
    expect(seen.names.filter((q) => /wf_projects|wf_current_workflows|wf_secrets/.test(q))).toEqual([]);
    // One read of the generation per round at most, shared by the runs taken meanwhile.
    expect(seen.names.filter((q) => q.includes('wf_catalog_generation')).length).toBeLessThanOrEqual(4);
  }, 60_000);

  it('sees a change committed before a run even when its notification has not been read in yet', async () => {
    await hub.runs.putWorkflowVersion({ project: 'p', workflow: 'w', version: 2, savedAt: Date.now(), definition: { ...workflow('Second'), version: 2 } as WorkflowDefinition });
    // Published and, in the same breath, a run taken: the worker's check finds a newer generation
    // than it has read in (or the notification already arrived); either way the run sees version 2.
    await hub.mirror.publish('p', { id: 'p', name: 'P' } as never, [{ ...workflow('Second'), version: 2 } as WorkflowDefinition]);
    await worker.source.load('p');
    expect(worker.source.getWorkflow('p', 'w')?.name).toBe('Second');
    await hub.secrets.delete('p', 'TOKEN');
    await worker.secrets.refresh('p');
    expect(worker.secrets.list('p')).toEqual([]);
  }, 60_000);
});
