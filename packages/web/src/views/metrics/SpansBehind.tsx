import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../../api/client';
import type { Span } from '../../api/types';
import { displayStatusOf, StatusPill } from '../../components/StatusBadge';
import { formatDateTime, formatDuration } from '../../lib/format';
import type { MetricsScope } from './metrics-api';

/** Spans to show at most, and pages of the spans list read to find them. */
const SHOW = 50;
const MAX_PAGES = 8;

/** Does a span belong to the point? The spans API has no name or model filter: checked here. */
function matches(span: Span, scope: MetricsScope): boolean {
  if (span.endTime === null) return false;
  if (scope.name !== undefined && span.name !== scope.name) return false;
  if (scope.model !== undefined && span.usage?.model !== scope.model) return false;
  return true;
}

/**
 * The spans behind a point or a row of the Metrics view: the spans list of the hub for the same
 * service, kind and time range (errors only when asked), narrowed to the function and model here.
 * Each opens in the span page or its trace.
 */
export function SpansBehind({ scope, errorsOnly, title, onClose }: { scope: MetricsScope; errorsOnly: boolean; title: string; onClose(): void }) {
  const [spans, setSpans] = useState<Span[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    setSpans(null);
    setError(null);
    void (async () => {
      const found: Span[] = [];
      let cursor: string | null | undefined;
      for (let page = 0; page < MAX_PAGES && found.length < SHOW && cursor !== null; page++) {
        const result = await api.spans(
          { service: scope.service, kind: scope.kind, status: errorsOnly ? 'error' : undefined, from: scope.from, to: scope.to - 1, limit: 500, cursor },
          controller.signal,
        );
        found.push(...result.spans.filter((s) => matches(s, scope)));
        cursor = result.nextCursor;
      }
      setSpans(found.slice(0, SHOW));
    })().catch((e: unknown) => {
      if (!controller.signal.aborted) setError((e as Error).message);
    });
    return () => controller.abort();
  }, [scope, errorsOnly]);

  return (
    <section className="rounded border border-indigo-200 p-2 text-xs dark:border-indigo-900" data-testid="spans-behind">
      <div className="mb-1 flex items-center gap-2">
        <h3 className="font-semibold">{title}</h3>
        <span className="text-zinc-500">
          {formatDateTime(scope.from)} – {formatDateTime(scope.to)}
        </span>
        <button type="button" className="ml-auto rounded px-2 py-0.5 hover:bg-zinc-100 dark:hover:bg-zinc-800" onClick={onClose}>
          Close
        </button>
      </div>
      {error ? <p className="text-red-600">{error}</p> : null}
      {spans === null && !error ? <p className="text-zinc-500">Loading…</p> : null}
      {spans?.length === 0 ? <p className="text-zinc-500">No stored spans match (retention may have removed them; rollups outlive spans).</p> : null}
      {spans && spans.length > 0 ? (
        <table className="w-full">
          <tbody>
            {spans.map((span) => (
              <tr key={span.spanId} className="border-t border-zinc-100 dark:border-zinc-900" data-testid="behind-row">
                <td className="py-0.5 font-mono text-zinc-500">{formatDateTime(span.startTime)}</td>
                <td className="py-0.5">{span.service}</td>
                <td className="py-0.5 font-mono">
                  <Link href={`/spans/${span.spanId}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                    {span.name}
                  </Link>
                </td>
                <td className="py-0.5 text-right font-mono">{formatDuration(span.durationMs)}</td>
                <td className="py-0.5 pl-2">
                  <StatusPill status={displayStatusOf(span)} />
                </td>
                <td className="py-0.5 text-right">
                  <Link href={`/traces/${span.traceId}?span=${span.spanId}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                    trace
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
