import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * A Content-Security-Policy for the built dashboard: scripts only from the hub itself, so even a
 * rendering bug could not run a script that arrived inside a span payload. (Not in dev, where
 * Vite injects inline scripts for hot reload.)
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // React sets inline styles through the CSSOM, which a policy does not restrict.
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'runtime-hub-csp',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`),
  };
}

/** The hub the dev server forwards API and live traffic to (`npm run dev -w @runtime-hub/web`). */
const hub = process.env.RUNTIME_HUB_URL ?? 'http://127.0.0.1:8765';

export default defineConfig({
  plugins: [react(), tailwindcss(), contentSecurityPolicy()],
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: true,
    // The shell stays small; views with heavy dependencies (d3, the JSON viewer) load on demand.
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      '/api': hub,
      '/v1': hub,
      '/socket.io': { target: hub, ws: true },
    },
  },
});
