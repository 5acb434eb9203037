import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/hub-process.js';

describe('runtime-hub CLI', () => {
  it('lists its commands with --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: runtime-hub <command>/);
    expect(result.stdout).toMatch(/start\s+start the hub/);
  });

  it('documents every start option with its environment variable', async () => {
    const result = await runCli(['start', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--port', '--host', '--data', '--token', '--retention-days', '--max-db-mb']) expect(result.stdout).toContain(flag);
    expect(result.stdout).toContain('RUNTIME_HUB_PORT');
  });

  it('rejects unknown flags and bad values with a precise message', async () => {
    const unknown = await runCli(['start', '--prot', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("'--prot'");
    const bad = await runCli(['start', '--port', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port');
    const env = await runCli(['start'], { RUNTIME_HUB_PORT: '99999' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('0–65535');
  });

  it('rejects an unknown command', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });
});
