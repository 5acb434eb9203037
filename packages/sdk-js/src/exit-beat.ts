import type * as childProcess from 'node:child_process';
import { builtin } from './builtin.js';
import type { Client } from './client.js';
import { debug } from './log.js';
import { HEARTBEAT_PATH } from './heartbeat.js';

const EXIT_BEAT_TIMEOUT_MS = 1_000;

// Runs in a short-lived child: reads the heartbeat from stdin and POSTs it.
const SENDER = `
let body = '';
process.stdin.on('data', (c) => (body += c)).on('end', () => {
  const headers = { 'content-type': 'application/json' };
  if (process.env.RH_TOKEN) headers.authorization = 'Bearer ' + process.env.RH_TOKEN;
  fetch(process.env.RH_URL, { method: 'POST', headers, body, signal: AbortSignal.timeout(${EXIT_BEAT_TIMEOUT_MS - 200}) }).catch(() => {});
});`;

/**
 * The last heartbeat, from the `exit` event (`process.exit()` skips `beforeExit`), when the hub
 * has not heard this process's latest drop count. Records still buffered are lost now and are
 * counted (`shutdown`) first, so the hub's count equals the SDK's. `exit` allows synchronous work
 * only, so a child Node process sends the beat, waited for at most one second; it runs only when
 * there are unreported drops and the hub answered the last send (never for a hub that is down).
 */
export function sendExitBeat(client: Client): void {
  try {
    if (!client.enabled || client.config.transport !== undefined || client.exporter.failing) return;
    client.exporter.close();
    if (!client.heartbeat.hasUnreportedDrops()) return;
    builtin<typeof childProcess>('node:child_process').execFileSync(process.execPath, ['-e', SENDER], {
      input: JSON.stringify(client.heartbeat.payload()),
      timeout: EXIT_BEAT_TIMEOUT_MS,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { RH_URL: new URL(HEARTBEAT_PATH, client.config.url).href, RH_TOKEN: client.config.token ?? '' },
      windowsHide: true,
    });
  } catch (error) {
    debug(`exit heartbeat failed: ${String(error)}`);
  }
}
