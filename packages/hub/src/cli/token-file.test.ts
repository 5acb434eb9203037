import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/hub-process.js';
import { spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';
import { resolveToken, UsageError } from './args.js';

// A token given as a flag shows in `ps`; every command that talks to a hub also takes a file.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rh-token-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveToken', () => {
  it('takes flags before the environment, and a token before a file', () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'from-file\nsecond line ignored\n');
    expect(resolveToken({ token: 'flag', tokenFile: file }, { RUNTIME_HUB_TOKEN: 'env' })).toBe('flag');
    expect(resolveToken({ tokenFile: file }, { RUNTIME_HUB_TOKEN: 'env' })).toBe('from-file');
    expect(resolveToken({}, { RUNTIME_HUB_TOKEN: 'env', RUNTIME_HUB_TOKEN_FILE: file })).toBe('env');
    expect(resolveToken({}, { RUNTIME_HUB_TOKEN_FILE: file })).toBe('from-file');
    expect(resolveToken({}, {})).toBeUndefined();
    expect(() => resolveToken({ tokenFile: join(dir, 'missing') }, {})).toThrow(UsageError);
  });
});

describe('runtime-hub watch --token-file', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ token: 'watch-secret' });
  });
  afterAll(() => hub.close());

  it('delivers to a hub that requires a token read from a file', async () => {
    const files = join(dir, 'traces');
    const record = spanRecord({ service: 'token-file-app' });
    writeFileSync(join(dir, 'watch-token'), 'watch-secret\n');
    mkdirSync(files, { recursive: true });
    writeFileSync(join(files, 'spans.jsonl'), `${JSON.stringify(record)}\n`);
    const run = await runCli(['watch', files, '--once', '--url', hub.url, '--token-file', join(dir, 'watch-token'), '--data', join(dir, 'watch-data')]);
    expect(run.code, run.stderr).toBe(0);
    const res = await fetch(`${hub.url}/api/v1/spans/${record.spanId as string}`, { headers: { authorization: 'Bearer watch-secret' } });
    expect(res.status).toBe(200);
  });
});
