import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteSpanStore } from './sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openStore(): SqliteSpanStore {
  const dir = mkdtempSync(join(tmpdir(), 'rh-readers-'));
  dirs.push(dir);
  return new SqliteSpanStore({ file: join(dir, 'hub.sqlite'), readers: 2 });
}

describe('reader pool shutdown', () => {
  it('lets reads already taken (running and queued) finish when the store closes', async () => {
    const store = openStore();
    // Threads started first: what is tested is the drain, not thread start-up (seconds from
    // sources on a loaded machine, which would run into close()'s 5 s drain limit).
    await Promise.all([store.listServices(), store.listServices()]);
    // More reads than threads: two run, the rest wait in the queue when close() is called.
    const reads = Array.from({ length: 8 }, () => store.listServices());
    const closing = store.close();
    const outcomes = await Promise.allSettled(reads);
    await closing;
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(8).fill('fulfilled'));
  });

  it('refuses reads asked for after close began', async () => {
    const store = openStore();
    const closing = store.close();
    await expect(store.listServices()).rejects.toThrow('span store is closed');
    await closing;
  });
});
