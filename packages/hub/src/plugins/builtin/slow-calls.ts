import { definePlugin, type Finding, type PluginSpan } from '../plugin-api.js';

/**
 * Slow-call baseline: learns each function's usual latency (per service and name, from its last
 * `window` calls) and flags a call far slower than that: over `factor` × the baseline p95 and
 * at least `minMs`. Needs `minSamples` calls of a function before it judges any.
 *
 * Settings: { factor?: number (3), minMs?: number (20), minSamples?: number (30), window?: number (200) }.
 */
interface Baseline {
  service: string;
  name: string;
  durations: number[];
  next: number;
  calls: number;
  flagged: number;
  p50: number;
  p95: number;
  /** Calls since the percentiles were last computed. */
  stale: number;
}

const MAX_FUNCTIONS = 20_000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export default definePlugin({
  name: 'slow-calls',
  version: '1.0.0',
  description: "Flags calls far slower than their function's usual latency (a learned p95 baseline per function).",
  setup(hub) {
    const factor = Number(hub.settings.factor ?? 3) || 3;
    const minMs = Number(hub.settings.minMs ?? 20);
    const minSamples = Number(hub.settings.minSamples ?? 30) || 30;
    const window = Number(hub.settings.window ?? 200) || 200;
    const baselines = new Map<string, Baseline>();
    const seen = new Set<string>();
    const recent: Array<{ spanId: string; traceId: string; service: string; name: string; durationMs: number; p95: number; at: number }> = [];

    const refresh = (b: Baseline) => {
      const sorted = b.durations.slice().sort((x, y) => x - y);
      b.p50 = percentile(sorted, 0.5);
      b.p95 = percentile(sorted, 0.95);
      b.stale = 0;
    };

    hub.onSpans((spans: readonly PluginSpan[]) => {
      const findings: Finding[] = [];
      for (const span of spans) {
        if (span.durationMs === null || seen.has(span.spanId)) continue;
        seen.add(span.spanId);
        const key = `${span.service}\u0000${span.name}`;
        let b = baselines.get(key);
        if (!b) {
          if (baselines.size >= MAX_FUNCTIONS) continue;
          b = { service: span.service, name: span.name, durations: [], next: 0, calls: 0, flagged: 0, p50: 0, p95: 0, stale: 0 };
          baselines.set(key, b);
        }
        // Judge against the baseline before this call joins it.
        if (b.calls >= minSamples) {
          if (b.stale > 0) refresh(b);
          if (span.durationMs > b.p95 * factor && span.durationMs >= minMs) {
            b.flagged++;
            const times = b.p95 > 0 ? span.durationMs / b.p95 : Infinity;
            findings.push({
              spanId: span.spanId,
              traceId: span.traceId,
              label: 'slow call',
              text: `${span.durationMs.toFixed(1)} ms, ${Number.isFinite(times) ? `${times.toFixed(1)}×` : 'far above'} this function's usual p95 of ${b.p95.toFixed(1)} ms (p50 ${b.p50.toFixed(1)} ms, last ${b.durations.length} calls).`,
              score: Number.isFinite(times) ? Math.round(times * 10) / 10 : undefined,
            });
            recent.push({ spanId: span.spanId, traceId: span.traceId, service: span.service, name: span.name, durationMs: span.durationMs, p95: b.p95, at: Date.now() });
            if (recent.length > 200) recent.shift();
          }
        }
        if (b.durations.length < window) b.durations.push(span.durationMs);
        else b.durations[b.next] = span.durationMs;
        b.next = (b.next + 1) % window;
        b.calls++;
        b.stale++;
      }
      if (seen.size > 500_000) seen.clear();
      return findings;
    });

    hub.route('GET', '/baselines', () =>
      [...baselines.values()]
        .filter((b) => b.calls >= minSamples)
        .map((b) => {
          if (b.stale > 0) refresh(b);
          return { service: b.service, function: b.name, calls: b.calls, p50Ms: Math.round(b.p50 * 10) / 10, p95Ms: Math.round(b.p95 * 10) / 10, flagged: b.flagged };
        })
        .sort((x, y) => y.flagged - x.flagged || y.p95Ms - x.p95Ms)
        .slice(0, 100),
    );
    hub.route('GET', '/recent', () => recent.slice().reverse());
    hub.widget({ id: 'recent', title: 'Slow calls', route: '/recent', description: `Calls over ${factor}× their function's p95` });
    hub.widget({ id: 'baselines', title: 'Latency baselines', route: '/baselines' });
  },
});
