import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * For tests that run the official OpenTelemetry Python packages: a virtualenv outside the
 * repository, reused across runs (creating it takes a few seconds and needs PyPI). Returns the
 * venv's python. `check` is a Python import line that fails when the venv is incomplete.
 */
export async function ensureVenv(name: string, packages: string[], check: string): Promise<string> {
  const venv = join(tmpdir(), name);
  const python = join(venv, 'bin', 'python');
  if (existsSync(python)) {
    try {
      await run(python, ['-c', check]);
      return python;
    } catch {
      // Incomplete venv: (re)install below.
    }
  }
  await run('python3', ['-m', 'venv', venv]);
  await run(join(venv, 'bin', 'pip'), ['install', '--quiet', ...packages], { timeout: 240_000 });
  return python;
}
