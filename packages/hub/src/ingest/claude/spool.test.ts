import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from './spool.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rh-spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ev = (n: number) => ({ receivedAt: 1_000 + n, event: { hook_event_name: 'Notification', session_id: 's', n } });

describe('Spool', () => {
  it('hands events back oldest first, and deletes them once committed', () => {
    const spool = new Spool(dir);
    for (const n of [3, 1, 2]) spool.add(ev(n));
    const claim = spool.claim(10, 1e6);
    expect(claim.entries.map((e) => (e.event as { n: number }).n)).toEqual([1, 2, 3]);
    claim.commit();
    expect(spool.size()).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('puts released events back for the next call', () => {
    const spool = new Spool(dir);
    spool.add(ev(1));
    spool.claim(10, 1e6).release();
    expect(spool.claim(10, 1e6).entries).toHaveLength(1);
  });

  it('lets only one claimer take an event', () => {
    const spool = new Spool(dir);
    for (let n = 0; n < 5; n++) spool.add(ev(n));
    const a = spool.claim(10, 1e6);
    const b = new Spool(dir).claim(10, 1e6);
    expect(a.entries).toHaveLength(5);
    expect(b.entries).toHaveLength(0);
  });

  it('returns events claimed by a process that died', async () => {
    const spool = new Spool(dir);
    spool.add(ev(1));
    const [name] = readdirSync(dir);
    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.on('exit', () => resolve(child.pid!));
    });
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, name!), join(dir, `${name}.claimed-${dead}`));
    expect(spool.claim(10, 1e6).entries).toHaveLength(1);
  });

  it('stops at the size limit, counts what it dropped, and skips unreadable files', () => {
    const spool = new Spool(dir, 2);
    expect([spool.add(ev(1)), spool.add(ev(2)), spool.add(ev(3))]).toEqual([true, true, false]);
    expect(spool.dropped()).toBe(1);
    spool.resetDropped();
    expect(spool.dropped()).toBe(0);
    writeFileSync(join(dir, '000000000000000-1-broken.json'), '{not json');
    const claim = spool.claim(10, 1e6);
    expect(claim.entries).toHaveLength(2);
  });
});
