import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The Content-Security-Policy comes from the hub as a header on every reply (it needs
// frame-ancestors, which a <meta> tag cannot carry): packages/hub/src/http/security-headers.ts.

/** The hub the dev server forwards API and live traffic to (`npm run dev -w @runtime-hub/web`). */
const hub = process.env.RUNTIME_HUB_URL ?? 'http://127.0.0.1:8765';

export default defineConfig({
  plugins: [react(), tailwindcss()],
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
