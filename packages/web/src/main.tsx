import './live/boot';
import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './index.css';

const root = createRoot(document.getElementById('root')!);
// A transition renders in slices, so the live connection's handshake and history are handled
// between them instead of waiting for the whole first render.
startTransition(() =>
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  // The service worker makes the dashboard installable and shows a "hub unreachable" page offline.
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined));
}
