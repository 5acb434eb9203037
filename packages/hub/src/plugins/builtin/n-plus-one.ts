import { definePlugin, type Finding, type PluginSpan } from '../plugin-api.js';

/**
 * N+1 call detector: the same child call repeated many times inside one parent — a query per row,
 * an HTTP call per item, an LLM call per document — the classic N+1 that batching would fix.
 * Counts children per (parent, child name) as spans arrive, in any order and across batches, and
 * puts one finding on the parent when the count reaches the threshold (default 10).
 *
 * Settings: { threshold?: number, kinds?: string[] (child kinds to count; default all) }.
 */
interface Group {
  parent: string;
  traceId: string;
  child: string;
  service: string;
  count: number;
  totalMs: number;
  reported: boolean;
  seenAt: number;
}

/** Parents tracked at once; the least recently seen are forgotten first. */
const MAX_GROUPS = 50_000;

export default definePlugin({
  name: 'n-plus-one',
  version: '1.0.0',
  description: 'Flags a parent call that makes the same child call many times (N+1 queries, per-item HTTP or LLM calls).',
  setup(hub) {
    const threshold = Math.max(2, Number(hub.settings.threshold ?? 10) || 10);
    const kinds = Array.isArray(hub.settings.kinds) ? new Set(hub.settings.kinds.map(String)) : undefined;
    const groups = new Map<string, Group>();
    const counted = new Set<string>();
    const detections: Array<{ parentSpanId: string; traceId: string; service: string; child: string; count: number; avgMs: number; at: number }> = [];

    const forget = () => {
      // Map iteration is insertion order, and a group is re-inserted on every hit: oldest first.
      for (const key of groups.keys()) {
        if (groups.size <= MAX_GROUPS) break;
        groups.delete(key);
      }
      if (counted.size > MAX_GROUPS * 4) counted.clear();
    };

    hub.onSpans((spans: readonly PluginSpan[]) => {
      const findings: Finding[] = [];
      for (const span of spans) {
        // Start and end records of a call arrive as two writes of one span: count it once, ended.
        if (!span.parentSpanId || span.endTime === null || counted.has(span.spanId)) continue;
        if (kinds && !kinds.has(span.kind)) continue;
        counted.add(span.spanId);
        const key = `${span.parentSpanId}\u0000${span.name}`;
        let group = groups.get(key);
        if (group) groups.delete(key);
        group ??= { parent: span.parentSpanId, traceId: span.traceId, child: span.name, service: span.service, count: 0, totalMs: 0, reported: false, seenAt: 0 };
        group.count++;
        group.totalMs += span.durationMs ?? 0;
        group.seenAt = Date.now();
        groups.set(key, group);
        if (!group.reported && group.count >= threshold) {
          group.reported = true;
          const avgMs = group.totalMs / group.count;
          findings.push({
            spanId: group.parent,
            traceId: group.traceId,
            label: 'N+1',
            text: `${group.child} was called ${group.count}+ times inside this call (${avgMs.toFixed(1)} ms each on average): batch them or fetch once.`,
            score: group.count,
          });
          detections.push({ parentSpanId: group.parent, traceId: group.traceId, service: group.service, child: group.child, count: group.count, avgMs: Math.round(avgMs * 10) / 10, at: group.seenAt });
          if (detections.length > 200) detections.shift();
        }
      }
      forget();
      return findings;
    });

    hub.route('GET', '/detections', () =>
      detections
        .slice()
        .reverse()
        .map((d) => ({ ...d, count: groups.get(`${d.parentSpanId}\u0000${d.child}`)?.count ?? d.count })),
    );
    hub.widget({ id: 'detections', title: 'Repeated calls (N+1)', route: '/detections', description: `Parents that made the same call ${threshold} or more times` });
  },
});
