import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FilePlaygroundKeyRows, type PlaygroundKeyRows } from './key-rows.js';
import { PlaygroundKeyStore } from './key-store.js';

/** Two hubs' views of one place holding playground keys, and raw access to it. */
export interface KeyRowsFixture {
  rows: PlaygroundKeyRows;
  second: PlaygroundKeyRows;
  /** Points a stored key at another server without re-encrypting it, as someone editing the file or table would. */
  rebind(name: string, baseUrl: string): Promise<void>;
  /** Everything stored, as bytes/text, to check no value is there in clear. */
  raw(): Promise<string>;
  close(): Promise<void>;
}

const VALUE = 'sk-live-0123456789abcdefDONOTLEAK';

/** The key store's cases on every {@link PlaygroundKeyRows} (the file and PostgreSQL, key-store.test.ts). */
export function keyRowsCases(name: string, open: () => Promise<KeyRowsFixture>): void {
  describe(`playground key store (${name})`, { timeout: 60_000 }, () => {
    let fixture: KeyRowsFixture | undefined;
    const folders: string[] = [];
    const start = async () => (fixture = await open());
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
      for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
    });
    const key = randomBytes(32);
    const store = (rows: PlaygroundKeyRows, k = key) => new PlaygroundKeyStore(rows, async () => k);

    it('stores values encrypted, lists names and servers only, and reveals a value for the provider call', async () => {
      const { rows, raw } = await start();
      const keys = store(rows);
      expect(await keys.put('openai', VALUE, undefined, 2_000)).toEqual({ name: 'openai', updatedAt: new Date(2_000).toISOString() });
      await keys.put('local', 'local-value', 'http://127.0.0.1:11434/v1', 1_000);
      expect(await keys.list()).toEqual([
        { name: 'local', baseUrl: 'http://127.0.0.1:11434/v1', updatedAt: new Date(1_000).toISOString() },
        { name: 'openai', updatedAt: new Date(2_000).toISOString() },
      ]);
      expect(await keys.reveal('openai')).toEqual({ value: VALUE });
      expect(await keys.reveal('local')).toEqual({ value: 'local-value', baseUrl: 'http://127.0.0.1:11434/v1' });
      expect(await keys.reveal('missing')).toBeUndefined();
      const stored = await raw();
      expect(stored).toContain('local');
      expect(stored).not.toContain(VALUE);
      expect(stored).not.toContain(Buffer.from(VALUE).toString('base64'));
      await keys.put('openai', 'replaced-value');
      expect(await keys.reveal('openai')).toEqual({ value: 'replaced-value' });
      expect(await keys.delete('openai')).toBe(true);
      expect(await keys.delete('openai')).toBe(false);
      expect((await keys.list()).map((k) => k.name)).toEqual(['local']);
    });

    it('reveals nothing under another key, nor a key pointed at another server by editing the store', async () => {
      const { rows, rebind } = await start();
      await store(rows).put('openai', VALUE);
      await store(rows).put('local', 'local-value', 'http://127.0.0.1:11434/v1');
      expect(await store(rows, randomBytes(32)).reveal('openai')).toBeUndefined();
      await rebind('local', 'https://collector.example/v1');
      expect((await store(rows).list()).find((k) => k.name === 'local')?.baseUrl).toBe('https://collector.example/v1');
      expect(await store(rows).reveal('local')).toBeUndefined();
      expect(await store(rows).reveal('openai')).toEqual({ value: VALUE });
    });

    it('refuses to store a value when the key cannot be used, and stores nothing', async () => {
      const { rows } = await start();
      const keyless = new PlaygroundKeyStore(rows, () => Promise.reject(new Error('this hub was started without the secret key')));
      await expect(keyless.put('openai', VALUE)).rejects.toThrow(/without the secret key/);
      expect(await keyless.list()).toEqual([]);
    });

    it('shows another hub a key saved or deleted, on its next read', async () => {
      const { rows, second } = await start();
      const a = store(rows);
      const b = store(second);
      await a.put('shared', 'one', 'http://127.0.0.1:1/v1');
      expect(await b.reveal('shared')).toEqual({ value: 'one', baseUrl: 'http://127.0.0.1:1/v1' });
      await a.put('shared', 'two', 'http://127.0.0.1:1/v1');
      expect((await b.reveal('shared'))?.value).toBe('two');
      expect(await b.delete('shared')).toBe(true);
      expect(await a.reveal('shared')).toBeUndefined();
    });

    it('copies a folder\'s keys it can read and lacks, never overwriting one', async () => {
      const { rows } = await start();
      const dir = mkdtempSync(join(tmpdir(), 'rh-keys-from-'));
      folders.push(dir);
      const file = new FilePlaygroundKeyRows(dir);
      await store(file).put('openai', 'from-the-folder');
      await store(file).put('kept', 'older-value', 'http://127.0.0.1:2/v1');
      await store(file, randomBytes(32)).put('foreign', 'made-under-another-key');
      const keys = store(rows);
      await keys.put('kept', 'newer-value', 'http://127.0.0.1:2/v1');
      expect(await keys.copyMissing(file)).toEqual({ copied: 1, unreadable: 1 });
      expect(await keys.reveal('openai')).toEqual({ value: 'from-the-folder' });
      expect((await keys.reveal('kept'))?.value).toBe('newer-value');
      expect((await keys.list()).map((k) => k.name)).toEqual(['kept', 'openai']);
      expect(await keys.copyMissing(file)).toEqual({ copied: 0, unreadable: 1 });
    });
  });
}
