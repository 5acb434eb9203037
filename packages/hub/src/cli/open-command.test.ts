import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from '../server.js';
import { dashboardUrl, openCommand, planOpen, type OpenEnvironment } from './open-command.js';

function host(platform: NodeJS.Platform, files: string[], env: NodeJS.ProcessEnv = {}): OpenEnvironment {
  const set = new Set(files);
  return { platform, env: { PATH: '/usr/local/bin:/usr/bin', ...env }, exists: (p) => set.has(p) };
}

describe('planOpen', () => {
  it('opens an app window of Chromium found on PATH', () => {
    const plan = planOpen('http://127.0.0.1:8765/', undefined, host('linux', ['/usr/bin/chromium']));
    expect(plan).toEqual({ command: '/usr/bin/chromium', args: ['--app=http://127.0.0.1:8765/'], appWindow: true });
  });

  it('prefers Chromium over Chrome and finds Chrome when it is the only one', () => {
    expect(planOpen('u', undefined, host('linux', ['/usr/bin/google-chrome', '/usr/local/bin/chromium'])).command).toBe('/usr/local/bin/chromium');
    expect(planOpen('u', undefined, host('linux', ['/usr/bin/google-chrome'])).command).toBe('/usr/bin/google-chrome');
  });

  it('falls back to the default browser', () => {
    expect(planOpen('u', undefined, host('linux', []))).toEqual({ command: 'xdg-open', args: ['u'], appWindow: false });
    expect(planOpen('u', undefined, host('darwin', []))).toEqual({ command: 'open', args: ['u'], appWindow: false });
    expect(planOpen('u', undefined, host('win32', [])).command).toBe('cmd');
  });

  it('knows where Chrome lives on macOS and Windows', () => {
    const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(planOpen('u', undefined, host('darwin', [mac])).command).toBe(mac);
    const win = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
    expect(planOpen('u', undefined, host('win32', [win], { ProgramFiles: 'C:\\Program Files' })).command).toBe(win);
  });

  it('uses an explicit browser; app window only for Chromium-family ones', () => {
    expect(planOpen('u', '/opt/brave/brave', host('linux', ['/opt/brave/brave'])).args).toEqual(['--app=u']);
    expect(planOpen('u', 'firefox', host('linux', ['/usr/bin/firefox']))).toEqual({ command: '/usr/bin/firefox', args: ['u'], appWindow: false });
    expect(() => planOpen('u', 'nope', host('linux', []))).toThrow(/no executable "nope"/);
  });
});

describe('dashboardUrl', () => {
  it('adds the token for the first visit, which the hub trades for a cookie', () => {
    expect(dashboardUrl('http://127.0.0.1:8765', undefined)).toBe('http://127.0.0.1:8765/');
    expect(dashboardUrl('http://10.0.0.2:9000/', 's3cret&x')).toBe('http://10.0.0.2:9000/?token=s3cret%26x');
  });
});

describe('runtime-hub open', () => {
  let hub: Hub;
  let url: string;
  let browser: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rh-open-'));
    hub = await createHub({ port: 0, dataDir: dir, logLevel: 'silent' });
    url = await hub.listen();
    mkdirSync(join(dir, 'bin'));
    browser = join(dir, 'bin', 'chromium');
    writeFileSync(browser, '#!/bin/sh\n', { mode: 0o755 });
  });
  afterAll(() => hub.close());

  it('prints the app-window command for a running hub', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await openCommand.run(['--url', url, '--browser', browser, '--print'])).toBe(0);
      expect(out).toHaveBeenCalledWith(`${browser} --app=${url}/\n`);
    } finally {
      out.mockRestore();
    }
  });

  it('says how to start a hub when none answers', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await openCommand.run(['--url', 'http://127.0.0.1:9', '--print'])).toBe(1);
      expect(String(err.mock.calls[0]?.[0])).toContain('runtime-hub start');
    } finally {
      err.mockRestore();
    }
  });
});
