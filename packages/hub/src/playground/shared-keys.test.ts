import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config.js';
import { startPostgres, type PostgresServer } from '../testing/postgres-server.js';
import { openAssistProvider } from '../workflows/assist/open-assist.js';
import { FileAssistSettings, type AssistSettings } from '../workflows/assist/assist-settings.js';
import { FilePlaygroundKeyRows } from './key-rows.js';
import { PlaygroundKeyStore } from './key-store.js';
import { playgroundKeysOf } from './open-key-store.js';

// Hubs moving to --db: their folder's keys and settings go to PostgreSQL once, under the key every
// hub shares; a hub without that key, or with another, can neither store nor use a key.
let server: PostgresServer;
let dbUrl: string;
const folders: string[] = [];
const closing: (() => Promise<void> | void)[] = [];
const logged: string[] = [];
const VALUE = 'sk-folder-key-0123456789-NEVERSHOWN';

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.close());
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const log = {
  info: (fields: object, message: string) => void logged.push(JSON.stringify(fields) + message),
  warn: (fields: object, message: string) => void logged.push(JSON.stringify(fields) + message),
} as unknown as FastifyBaseLogger;

/** A hub's data folder holding `secretKey` as its secret.key (none: no key). */
function folder(secretKey?: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'rh-shared-keys-'));
  folders.push(dir);
  if (secretKey) writeFileSync(join(dir, 'secret.key'), `${secretKey.toString('base64')}\n`, { mode: 0o600 });
  return dir;
}

/** What a hub's start opens, in the order the features do. */
async function hub(dataDir: string) {
  const ctx = { config: { ...DEFAULT_CONFIG, dataDir, dbUrl }, log, onClose: (hook: () => Promise<void> | void) => void closing.push(hook) };
  return { keys: await playgroundKeysOf(ctx), assist: await openAssistProvider(ctx), sameStore: (await playgroundKeysOf(ctx)) === (await playgroundKeysOf(ctx)) };
}

describe('playground keys and assist settings on moving to --db', () => {
  it('copies a folder\'s keys and settings once, never over what the database has, and retires the files', async () => {
    dbUrl = await server.createDatabase();
    const shared = randomBytes(32);
    const first = folder(shared);
    await new PlaygroundKeyStore(new FilePlaygroundKeyRows(first), async () => shared).put('openai', VALUE);
    // A hand-edited file with a key in it: the key is not copied to the database.
    await new FileAssistSettings(first).put({ provider: 'openai', model: 'from-first', keyName: 'openai', apiKey: VALUE } as AssistSettings);
    const a = await hub(first);
    expect(a.sameStore).toBe(true);
    expect(await a.keys.reveal('openai')).toEqual({ value: VALUE });
    expect(await a.assist.settings.get()).toEqual({ provider: 'openai', model: 'from-first', keyName: 'openai' });
    expect(existsSync(join(first, 'playground-keys.json'))).toBe(false);
    expect(existsSync(join(first, 'playground-keys.json.imported'))).toBe(true);
    expect(existsSync(join(first, 'assist.json.imported'))).toBe(true);

    // A second hub with its own older copies: they do not overwrite the first hub's.
    const second = folder(shared);
    await new PlaygroundKeyStore(new FilePlaygroundKeyRows(second), async () => shared).put('openai', 'an-older-value');
    await new FileAssistSettings(second).put({ provider: 'openai', model: 'from-second' });
    const b = await hub(second);
    expect(await b.keys.reveal('openai')).toEqual({ value: VALUE });
    expect((await b.assist.settings.get())?.model).toBe('from-first');

    // A key deleted on one hub does not come back when the other starts again.
    expect(await b.keys.delete('openai')).toBe(true);
    const again = await hub(first);
    expect(await again.keys.list()).toEqual([]);
    expect(logged.join('\n')).not.toContain(VALUE);
  }, 60_000);

  it('gives two hubs sharing one data folder, started together, the folder\'s keys and settings', async () => {
    dbUrl = await server.createDatabase();
    const shared = randomBytes(32);
    const dir = folder(shared);
    await new PlaygroundKeyStore(new FilePlaygroundKeyRows(dir), async () => shared).put('openai', VALUE);
    await new FileAssistSettings(dir).put({ provider: 'openai', model: 'shared-folder', keyName: 'openai' });
    const [a, b] = await Promise.all([hub(dir), hub(dir)]);
    for (const h of [a, b]) {
      expect(await h.keys.reveal('openai')).toEqual({ value: VALUE });
      expect((await h.assist.settings.get())?.model).toBe('shared-folder');
    }
    expect(existsSync(join(dir, 'playground-keys.json.imported')) && existsSync(join(dir, 'assist.json.imported'))).toBe(true);
  }, 60_000);

  it('refuses, with what to set, a hub without the shared key or with another one — never naming a key', async () => {
    dbUrl = await server.createDatabase();
    const shared = randomBytes(32);
    const a = await hub(folder(shared));
    await a.keys.put('openai', VALUE);

    const other = randomBytes(32);
    const wrong = await hub(folder(other));
    const refusedPut = await wrong.keys.put('openai', 'x').then(() => 'stored', (error: Error) => error.message);
    expect(refusedPut).toMatch(/is not the key the database's secrets are encrypted with/);
    await expect(wrong.keys.reveal('openai')).rejects.toThrow(/is not the key/);
    const keyless = await hub(folder());
    await expect(keyless.keys.reveal('openai')).rejects.toThrow(/started without the secret key.*RUNTIME_HUB_SECRET_KEY/);
    const view = await keyless.assist.view();
    expect(view.keys).toEqual([expect.objectContaining({ name: 'openai' })]);
    for (const text of [refusedPut, JSON.stringify(view)]) {
      for (const secret of [VALUE, shared.toString('base64'), other.toString('base64'), shared.toString('hex')]) expect(text).not.toContain(secret);
    }
    expect(await a.keys.reveal('openai')).toEqual({ value: VALUE });
  }, 60_000);
});
