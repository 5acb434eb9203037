/* global self, Response */
// runtime-hub service worker: makes the dashboard installable as an app, and answers navigations
// with a small "hub unreachable" page when the hub is down. It caches nothing else: the dashboard
// always shows what the running hub serves.
const OFFLINE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>runtime-hub — hub unreachable</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:36rem;margin:5rem auto;padding:0 1rem;color:#27272a}
@media (prefers-color-scheme: dark){body{background:#09090b;color:#e4e4e7}}code{font-size:.9em}</style></head>
<body><h1>The hub is not reachable</h1><p>Start it with <code>runtime-hub start</code> (or <code>npm start</code>).
This page retries every few seconds.</p><script>setTimeout(function(){location.reload()},3000)</script></body></html>`;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  if (event.request.mode !== 'navigate') return;
  event.respondWith(
    fetch(event.request).catch(
      () => new Response(OFFLINE_PAGE, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } }),
    ),
  );
});
