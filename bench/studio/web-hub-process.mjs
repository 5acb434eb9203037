// Starts bench/studio/web-hub.mjs: a built hub serving the dashboard from `webRoot`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function startWebHub(webRoot, dataDir) {
  const script = fileURLToPath(new URL('./web-hub.mjs', import.meta.url));
  const proc = spawn(process.execPath, [script, webRoot, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
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
