import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretRows } from './secret-rows.js';
import { SecretVault } from './secret-vault.js';

/** Two processes' views of one database's secret rows (a hub and a worker), and raw SQL on it. */
export interface SecretRowsFixture {
  rows: SecretRows;
  second: SecretRows;
  /** Swaps two secrets' stored ciphertexts, as someone editing the database by hand would. */
  swap(project: string, a: string, b: string): Promise<void>;
  close(): Promise<void>;
}

/** The vault's cases on every {@link SecretRows} (SQLite and PostgreSQL, secrets.test.ts). */
export function secretRowsCases(name: string, open: () => Promise<SecretRowsFixture>): void {
  describe(`secret vault (${name})`, () => {
    let fixture: SecretRowsFixture | undefined;
    const start = async () => (fixture = await open());
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });
    const key = randomBytes(32);

    it('stores values encrypted, lists names only, and decrypts them for the engine', async () => {
      const { rows } = await start();
      const vault = new SecretVault(rows, key);
      await vault.put('p', 'B', 'second-value', 2_000);
      await vault.put('p', 'A', 'first-value', 1_000);
      await vault.put('q', 'A', 'other-project');
      expect(vault.names('p')).toEqual([
        { name: 'A', updatedAt: new Date(1_000).toISOString() },
        { name: 'B', updatedAt: new Date(2_000).toISOString() },
      ]);
      expect(vault.values('p')).toEqual({ A: 'first-value', B: 'second-value' });
      expect(rows.list('p').map((r) => r.ciphertext.toString('utf8'))).not.toContain('first-value');
      await vault.put('p', 'A', 'changed');
      expect(vault.values('p').A).toBe('changed');
      expect(await vault.delete('p', 'A')).toBe(true);
      expect(await vault.delete('p', 'A')).toBe(false);
      expect(vault.values('p')).toEqual({ B: 'second-value' });
      expect(await vault.delete('q')).toBe(true);
      expect(vault.names('q')).toEqual([]);
    });

    it('leaves out values another key, or another slot, cannot authenticate', async () => {
      const { rows, swap } = await start();
      await new SecretVault(rows, key).put('p', 'A', 'value-a');
      await new SecretVault(rows, key).put('p', 'B', 'value-b');
      expect(new SecretVault(rows, randomBytes(32)).values('p')).toEqual({});
      expect(new SecretVault(rows, undefined).values('p')).toEqual({});
      await expect(new SecretVault(rows, undefined).put('p', 'C', 'x')).rejects.toThrow(/started without the secret key/);
      await swap('p', 'A', 'B');
      await rows.refresh('p');
      expect(new SecretVault(rows, key).values('p')).toEqual({});
    });

    it('shows another process a secret it stored or deleted, at the latest once it re-reads the project', async () => {
      const { rows, second } = await start();
      const hub = new SecretVault(rows, key);
      const worker = new SecretVault(second, key);
      expect(worker.values('p')).toEqual({});
      await hub.put('p', 'TOKEN', 'one');
      await worker.refresh('p');
      expect(worker.values('p')).toEqual({ TOKEN: 'one' });
      await hub.put('p', 'TOKEN', 'two');
      await worker.refresh('p');
      expect(worker.values('p')).toEqual({ TOKEN: 'two' });
      await hub.delete('p');
      await worker.refresh('p');
      expect(worker.names('p')).toEqual([]);
    });
  });
}
