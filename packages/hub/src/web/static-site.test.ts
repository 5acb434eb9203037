import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/test-hub.js';

const webRoot = mkdtempSync(join(tmpdir(), 'rh-web-'));
let t: TestHub;
beforeAll(async () => {
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>dashboard</title>');
  writeFileSync(join(webRoot, 'assets', 'app-1.js'), 'console.log(1)');
  t = await startTestHub({ webRoot });
});
afterAll(() => t.close());

describe('dashboard files', () => {
  it('serves the build, falls back to index.html for app routes, and 404s missing files and API paths', async () => {
    const index = await fetch(`${t.url}/`);
    expect(await index.text()).toContain('<title>dashboard</title>');
    const route = await fetch(`${t.url}/traces/4bf92f3577b34da6a3ce929d0e0e4736?service=x`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>dashboard</title>');
    const asset = await fetch(`${t.url}/assets/app-1.js`);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${t.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${t.url}/api/v1/nothing`)).status).toBe(404);
  });

  it('serves files of a rebuild made while the hub runs', async () => {
    writeFileSync(join(webRoot, 'assets', 'app-2.js'), 'console.log(2)');
    const asset = await fetch(`${t.url}/assets/app-2.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('console.log(2)');
  });
});
