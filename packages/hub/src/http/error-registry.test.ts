import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, HubError, WORKFLOW_ERROR_CODES } from '@runtime-hub/protocol';

/**
 * One registry of error codes, documented: docs/errors.md lists exactly the codes of
 * `ERROR_CODES`, each with its HTTP status (Fastify keeps its lib/errors.js, docs and types in
 * step the same way).
 */
const DOC = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');

/** `| \`CODE\` | 400 | meaning |` rows of the page's tables. */
function documented(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const match of DOC.matchAll(/^\| `([A-Z0-9_]+)` \| (\d{3}) \|/gm)) {
    expect(rows.has(match[1]!), `${match[1]} is listed once`).toBe(false);
    rows.set(match[1]!, Number(match[2]));
  }
  return rows;
}

describe('the error registry', () => {
  it('docs/errors.md lists every code with its status, and nothing else', () => {
    const docs = documented();
    const registry = new Map(Object.entries(ERROR_CODES).map(([code, entry]) => [code, entry.status as number]));
    expect([...docs.keys()].filter((code) => !registry.has(code)), 'documented but not in the registry').toEqual([]);
    expect([...registry.keys()].filter((code) => !docs.has(code)), 'in the registry but not documented').toEqual([]);
    for (const [code, status] of registry) expect(docs.get(code), code).toBe(status);
  });

  it('holds the workflow codes too, so every error class shares one registry', () => {
    for (const [code, entry] of Object.entries(WORKFLOW_ERROR_CODES)) {
      expect(ERROR_CODES[code as keyof typeof ERROR_CODES]).toEqual(entry);
      expect(new HubError(code as keyof typeof ERROR_CODES).status).toBe(entry.status);
    }
  });

  it('gives every code an error status and a summary', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      expect(entry.summary.length, code).toBeGreaterThan(0);
    }
  });
});
