import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from '@playwright/test';
import { expect, test, uniqueService } from './support/fixtures';
import { call, traceId } from './support/spans';

/**
 * A web page the user happens to visit must read nothing from a hub on their machine (issue 16).
 * Chromium resolves `evil.test` to 127.0.0.1, as an attacker's DNS would: the page is served from
 * another origin, and a second page is served by the hub itself under that name (DNS rebinding).
 */
const EVIL_HOST = 'evil.test';

/** The attacker's page: tries fetch and a raw Engine.IO/Socket.IO WebSocket against the hub. */
function attackerPage(hubUrl: string): string {
  const ws = `${hubUrl.replace('http://', 'ws://')}/socket.io/?EIO=4&transport=websocket`;
  return `<!doctype html><meta charset="utf-8"><title>innocent</title><script>
window.loot = { fetch: [], socket: [] };
const hub = ${JSON.stringify(hubUrl)};
window.done = (async () => {
  for (const path of ['/api/v1/traces', '/api/v1/spans', '/api/v1/export?format=jsonl']) {
    try { const res = await fetch(hub + path); loot.fetch.push(path + ' ' + res.status + ' ' + await res.text()); }
    catch (error) { loot.fetch.push(path + ' failed'); }
    try { const res = await fetch(hub + path, { mode: 'no-cors' }); loot.fetch.push(path + ' no-cors ' + res.type + ' ' + await res.text()); }
    catch (error) { loot.fetch.push(path + ' no-cors failed'); }
  }
  await new Promise((resolve) => {
    const socket = new WebSocket(${JSON.stringify(ws)});
    socket.onmessage = (event) => {
      loot.socket.push(String(event.data));
      if (String(event.data).startsWith('0')) socket.send('40/live,');
      if (String(event.data).startsWith('40/live')) socket.send('42/live,["subscribe",{"filter":{}}]');
    };
    socket.onerror = () => loot.socket.push('error');
    socket.onclose = () => resolve();
    setTimeout(() => { socket.close(); resolve(); }, 3000);
  });
})();
</script>`;
}

let attacker: Server;
/** The hub the attacker's page aims at (the worker's hub, known once a test runs). */
let target = '';
let attackerPort: number;
let browser: Browser;

test.beforeAll(async () => {
  attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackerPage(target)));
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', () => resolve()));
  attackerPort = (attacker.address() as AddressInfo).port;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP ${EVIL_HOST} 127.0.0.1`],
  });
});

test.afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => attacker?.close(() => resolve()));
});

test('a page from another origin reads nothing from the hub, by fetch or by Socket.IO', async ({ hub, sender }) => {
  const service = uniqueService('secret-service');
  await sender.send([call({ traceId: traceId(), service, name: 'charge_card', input: { card: 'SECRET-4242' } }, Date.now(), 3)]);
  target = hub.url;

  const page = await browser.newPage();
  try {
    await page.goto(`http://${EVIL_HOST}:${attackerPort}/`);
    await page.evaluate(() => (window as unknown as { done: Promise<void> }).done);
    const loot = await page.evaluate(() => (window as unknown as { loot: { fetch: string[]; socket: string[] } }).loot);
    const seen = JSON.stringify(loot);
    expect(seen).not.toContain(service);
    expect(seen).not.toContain('SECRET-4242');
    // The handshake itself is refused: no Engine.IO open packet, no namespace, no history.
    expect(loot.socket.some((message) => message.startsWith('0{'))).toBe(false);
  } finally {
    await page.close();
  }
});

test('a page served by the hub under a rebound DNS name reads nothing either', async ({ hub, sender }) => {
  const service = uniqueService('rebound-service');
  await sender.send([call({ traceId: traceId(), service, name: 'read_me', input: { token: 'SECRET-REBIND' } }, Date.now(), 3)]);
  const page = await browser.newPage();
  try {
    const rebound = `http://${EVIL_HOST}:${hub.port}`;
    const api = await page.goto(`${rebound}/api/v1/traces`);
    expect(api!.status()).toBe(403);
    expect(await api!.text()).toContain('HOST_NOT_ALLOWED');
    const dashboard = await page.goto(`${rebound}/`);
    expect(dashboard!.status()).toBe(403);
    const seen = await page.evaluate(async () => {
      const res = await fetch('/api/v1/export?format=jsonl');
      return `${res.status} ${await res.text()}`;
    });
    expect(seen).toMatch(/^403 /);
    expect(seen).not.toContain(service);
  } finally {
    await page.close();
  }
});
