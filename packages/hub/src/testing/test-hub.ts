import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HubConfig } from '../config.js';
import { createHub, type Hub } from '../server.js';

export interface TestHub {
  hub: Hub;
  url: string;
  dataDir: string;
  /** Closes the hub and deletes its data folder. */
  close(): Promise<void>;
}

/** A real hub on a free loopback port with its own temporary data folder. */
export async function startTestHub(config: Partial<HubConfig> = {}): Promise<TestHub> {
  const dataDir = config.dataDir ?? mkdtempSync(join(tmpdir(), 'rh-test-'));
  const hub = await createHub({ port: 0, logLevel: 'warn', ...config, dataDir });
  const url = await hub.listen();
  return {
    hub,
    url,
    dataDir,
    async close() {
      await hub.close();
      if (!config.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** Random-looking but unique lowercase hex ids for tests. */
export function hexId(length: 16 | 32): string {
  counter++;
  const random = Math.random().toString(16).slice(2).padEnd(12, '0').slice(0, 12);
  return `${random}${counter.toString(16).padStart(8, '0')}`.padStart(length, 'a').slice(-length);
}

/** A valid span record with sensible defaults; override any field. */
export function spanRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const start = Date.now();
  return {
    traceId: hexId(32),
    spanId: hexId(16),
    parentSpanId: null,
    service: 'test-app',
    name: 'do_work',
    kind: 'function',
    startTime: start,
    endTime: start + 5,
    status: 'ok',
    input: { args: [1, 2] },
    output: 3,
    ...overrides,
  };
}

export async function postSpans(url: string, spans: unknown[], headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/v1/spans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ spans }),
  });
}
