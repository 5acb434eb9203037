import { prefetchForLocation } from '../api/prefetch';
import { hubLive } from './hub-live';

// Imported first by main.tsx: ES modules evaluate in import order, so the live connection opens
// before React and the views are even evaluated, and the history is on its way during the first
// render.
if (prefetchForLocation(window.location.pathname)) void import('../views/traces/TraceView');
hubLive.start();
// A handle for diagnostics in the browser console (and the benchmark): `__runtimeHub.hubLive.received`.
(window as unknown as { __runtimeHub: unknown }).__runtimeHub = { hubLive };
