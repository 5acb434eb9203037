import { prefetchForLocation } from '../api/prefetch';
import { parseFilters } from '../state/filters';
import { hubLive } from './hub-live';

// Imported first by main.tsx: ES modules evaluate in import order, so the live connection opens
// before React and the views are even evaluated, and the history is on its way during the first
// render.
if (prefetchForLocation(window.location.pathname)) void import('../views/traces/TraceView');
hubLive.start();
// On the monitor, subscribe with the address's filters now: the history then arrives while React
// renders, instead of being asked for once the feed has mounted (which then finds it the same).
if (window.location.pathname === '/') hubLive.setFilters(parseFilters(window.location.search));
// A handle for diagnostics in the browser console (and the benchmark): `__runtimeHub.hubLive.received`.
(window as unknown as { __runtimeHub: unknown }).__runtimeHub = { hubLive };
