// Starts a built hub as a child process for benchmarks and reports its resident memory.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// HUB_CLI: another build's cli/main.js, to measure a before/after pair in one session.
const CLI = process.env.HUB_CLI ?? fileURLToPath(new URL('../../packages/hub/dist/cli/main.js', import.meta.url));

export function startHub(args) {
  // HUB_NODE_ARGS: extra node flags for the hub only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = process.env.HUB_NODE_ARGS ? process.env.HUB_NODE_ARGS.split(' ') : [];
  const proc = spawn(process.execPath, [...nodeArgs, CLI, 'start', '--port', '0', '--log-level', 'warn', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /runtime-hub listening on (\S+)/.exec(out);
      if (match) resolve({ proc, url: match[1] });
    });
    proc.on('exit', (code) => reject(new Error(`hub exited with ${code}`)));
  });
}

/** Current and peak resident set size of a process, in MB (Linux /proc). */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function stopHub(hub) {
  hub.proc.removeAllListeners('exit');
  const exited = new Promise((resolve) => hub.proc.on('exit', resolve));
  hub.proc.kill('SIGTERM');
  await exited;
}
