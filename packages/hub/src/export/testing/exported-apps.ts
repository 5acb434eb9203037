import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExportLanguage } from '@runtime-hub/codegen';
import { buildTypescript, pythonEnvironment, startApp } from '../../deploy/app-runtime.js';
import { freePort } from '../../net/free-port.js';
import type { StartedApp } from '../../deploy/app-runtime.js';
import { writeFiles } from '../write-files.js';

/**
 * Runs an export for a test: the files written to a temporary folder, a Python app in a virtual
 * environment (cached under the system temp folder by the hash of requirements.txt, so a test run
 * installs the packages once), a TypeScript app compiled against the monorepo's node_modules (linked
 * in: no npm install), started on a free port.
 */
export const VENV_CACHE = join(tmpdir(), 'runtime-hub-codegen-venvs');

export interface RunningExport extends StartedApp {
  dir: string;
  close(): Promise<void>;
}

export async function runExport(language: ExportLanguage, files: { path: string; content: string }[], env: Record<string, string> = {}): Promise<RunningExport> {
  const dir = mkdtempSync(join(tmpdir(), `rh-export-${language}-`));
  writeFiles(dir, files);
  const venv = language === 'python' ? await pythonEnvironment(dir, VENV_CACHE) : undefined;
  if (language === 'typescript') await buildTypescript(dir);
  const app = await startApp({ appDir: dir, language, port: await freePort(), env, venv, timeoutMs: 90_000 });
  return {
    ...app,
    dir,
    async close() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
