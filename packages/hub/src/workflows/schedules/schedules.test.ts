import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../testing/test-hub.js';
import { apiClient } from '../testing.js';

const dataDir = mkdtempSync(join(tmpdir(), 'rh-schedules-'));
let hub: TestHub;
let api: ReturnType<typeof apiClient>;

const workflow = (id: string, trigger: unknown) => ({ id, name: `Job ${id}`, trigger, nodes: [{ id: 'start', type: 'trigger' }], edges: [] });

beforeAll(async () => {
  hub = await startTestHub({ dataDir });
  api = apiClient(hub.url);
  await api('POST', '/api/v1/projects', { id: 'ops', name: 'Ops' });
  await api('POST', '/api/v1/projects/ops/workflows', workflow('nightly', { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Zurich' }));
  await api('POST', '/api/v1/projects/ops/workflows', workflow('by-hand', { type: 'manual' }));
});
afterAll(async () => {
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('schedules', () => {
  it('lists every cron workflow with its next run; manual ones are not schedules', async () => {
    const { body } = await api('GET', '/api/v1/schedules');
    expect(body.schedules).toHaveLength(1);
    expect(body.schedules[0]).toMatchObject({ project: 'ops', workflow: 'nightly', name: 'Job nightly', expression: '0 2 * * *', timezone: 'Europe/Zurich', paused: false });
    expect(body.schedules[0].nextRun).toBe(body.schedules[0].nextRuns[0]);
    // 02:00 in Zurich is 00:00 or 01:00 UTC depending on daylight-saving time.
    expect(new Date(body.schedules[0].nextRun).getUTCHours()).toBeLessThanOrEqual(1);
  });

  it('sets a schedule on a manual workflow (a new version) and refuses a bad expression or zone with the field', async () => {
    const set = await api('PUT', '/api/v1/projects/ops/workflows/by-hand/schedule', { expression: '30 9 * * 1-5', timezone: 'America/New_York', missed: 'run-once' });
    expect(set.status, set.text).toBe(200);
    expect(set.body.workflow).toMatchObject({ version: 2, trigger: { type: 'cron', expression: '30 9 * * 1-5', timezone: 'America/New_York', missed: 'run-once' } });
    expect(set.body.schedule.nextRuns).toHaveLength(5);
    const bad = await api('PUT', '/api/v1/projects/ops/workflows/by-hand/schedule', { expression: '61 * * * *' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_BODY', details: { field: 'expression' } });
    const zone = await api('PUT', '/api/v1/projects/ops/workflows/by-hand/schedule', { expression: '0 9 * * *', timezone: 'Mars/Olympus' });
    expect(zone.body.error.details.field).toBe('timezone');
    const stale = await api('PUT', '/api/v1/projects/ops/workflows/by-hand/schedule', { expression: '0 9 * * *', version: 1 });
    expect(stale.status).toBe(409);
  });

  it('keeps a pause across a restart of the hub', async () => {
    expect((await api('POST', '/api/v1/projects/ops/workflows/nightly/schedule/pause')).body.schedule.paused).toBe(true);
    await hub.close();
    hub = await startTestHub({ dataDir });
    api = apiClient(hub.url);
    const { body } = await api('GET', '/api/v1/schedules');
    const nightly = body.schedules.find((s: { workflow: string }) => s.workflow === 'nightly');
    expect(nightly).toMatchObject({ paused: true, nextRun: null });
    expect((await api('POST', '/api/v1/projects/ops/workflows/nightly/schedule/resume')).body.schedule.paused).toBe(false);
  });
});
