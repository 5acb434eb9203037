import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type { Span, TraceSpan } from '../api/types';
import { useNow } from '../hooks/use-now';
import { formatDateTime, formatDuration, formatUsd } from '../lib/format';
import { CopyButton } from './CopyButton';
import { XIcon } from './icons';
import { JsonViewer } from './JsonViewer';
import { SpanAnnotations } from './SpanAnnotations';
import { ReplayActions } from '../views/replay/ReplayActions';
import { StackTrace } from './StackTrace';
import { displayStatusOf, KindTag, StatusDot, StatusPill } from './StatusBadge';

export interface SpanDetailProps {
  span: Span;
  /** undefined while loading, null for a root span. */
  parent: Span | null | undefined;
  childSpans: Span[] | undefined;
  childrenTruncated?: boolean;
  onSelect(spanId: string): void;
  onClose?(): void;
  /** Hidden inside the trace view, which is the trace. */
  showTraceLink?: boolean;
}

/** Everything about one call: facts, family, error with stack, inputs, outputs, attributes, events. */
export function SpanDetail({ span, parent, childSpans, childrenTruncated, onSelect, onClose, showTraceLink = true }: SpanDetailProps) {
  const status = displayStatusOf(span);
  const now = useNow(status === 'running');
  const duration = span.durationMs ?? now - span.startTime;
  const shareUrl = () => `${window.location.origin}/spans/${span.spanId}`;

  return (
    <article className="flex h-full min-h-0 flex-col" aria-label="Call detail" data-testid="span-detail" data-span-id={span.spanId} data-status={status}>
      <header className="flex items-start gap-2 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <div className="min-w-0 flex-1">
          <h2 className="break-all font-mono text-sm font-semibold" data-testid="detail-name">
            {span.name}
          </h2>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-xs text-zinc-500">
            <StatusPill status={status} />
            <KindTag kind={span.kind} />
            <span data-testid="detail-service">{span.service}</span>
          </div>
        </div>
        {span.kind === 'llm' ? (
          <Link href={`/playground/${span.spanId}`} className="mt-0.5 rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800" data-testid="open-in-playground">
            Open in playground
          </Link>
        ) : null}
        <CopyButton text={shareUrl} label="Copy link to this call" className="mt-0.5 py-1" />
        {onClose ? (
          <button type="button" onClick={onClose} className="rounded p-1 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800" aria-label="Close detail">
            <XIcon />
          </button>
        ) : null}
      </header>

      <div className="min-h-0 flex-1 space-y-4 overflow-y-auto px-4 py-3">
        <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1 text-xs">
          <Fact label="Start">{formatDateTime(span.startTime)}</Fact>
          <Fact label="Duration">
            <span data-testid="detail-duration">{status === 'running' ? `running for ${formatDuration(duration)}` : formatDuration(duration)}</span>
          </Fact>
          <Fact label="Trace">
            {showTraceLink ? (
              <Link href={`/traces/${span.traceId}?span=${span.spanId}`} className="font-mono text-indigo-600 hover:underline dark:text-indigo-400">
                {span.traceId}
              </Link>
            ) : (
              <span className="font-mono">{span.traceId}</span>
            )}
          </Fact>
          <Fact label="Span">
            <span className="font-mono">{span.spanId}</span>
          </Fact>
          {span.sessionId ? (
            <Fact label="Session">
              <Link href={`/traces?sessionId=${encodeURIComponent(span.sessionId)}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                {span.sessionId}
              </Link>
            </Fact>
          ) : null}
          {span.usage ? (
            <Fact label="LLM usage">
              {[
                span.usage.model,
                span.usage.inputTokens !== undefined ? `${span.usage.inputTokens} in` : undefined,
                span.usage.outputTokens !== undefined ? `${span.usage.outputTokens} out` : undefined,
                span.usage.costUsd !== undefined
                  ? formatUsd(span.usage.costUsd)
                  : (span.usage.inputTokens ?? 0) + (span.usage.outputTokens ?? 0) > 0
                    ? 'no price for this model'
                    : undefined,
              ]
                .filter(Boolean)
                .join(' · ')}
            </Fact>
          ) : null}
        </dl>

        <SpanAnnotations spanId={span.spanId} />

        <ReplayActions span={span} />

        <Section title="Parent">
          {parent === undefined ? (
            <span className="text-xs text-zinc-500">…</span>
          ) : parent === null ? (
            <span className="text-xs text-zinc-500">{span.parentSpanId ? `${span.parentSpanId} (not stored)` : 'none — this call is a root'}</span>
          ) : (
            <SpanLink span={parent} onSelect={onSelect} testId="parent-link" />
          )}
        </Section>

        <Section title={`Children${childSpans ? ` (${childSpans.length}${childrenTruncated ? '+' : ''})` : ''}`}>
          {childSpans === undefined ? (
            <span className="text-xs text-zinc-500">…</span>
          ) : childSpans.length === 0 ? (
            <span className="text-xs text-zinc-500">none</span>
          ) : (
            <ul className="space-y-0.5" data-testid="children">
              {childSpans.slice(0, 200).map((child) => (
                <li key={child.spanId}>
                  <SpanLink span={child} onSelect={onSelect} />
                </li>
              ))}
              {childSpans.length > 200 ? <li className="text-xs text-zinc-500">… {childSpans.length - 200} more in the trace view</li> : null}
            </ul>
          )}
        </Section>

        {span.error ? (
          <Section title="Error">
            <StackTrace error={span.error} />
          </Section>
        ) : null}

        {span.input !== undefined ? <JsonViewer name="input" value={span.input} testId="detail-input" /> : null}
        {span.output !== undefined ? <JsonViewer name="output" value={span.output} testId="detail-output" /> : null}
        {(span as TraceSpan).partial ? (
          <p className="text-xs text-zinc-500">Loading inputs and outputs…</p>
        ) : span.input === undefined && span.output === undefined ? (
          <p className="text-xs text-zinc-500">No inputs or outputs were recorded.</p>
        ) : null}

        {span.attributes && Object.keys(span.attributes).length > 0 ? (
          <Section title="Attributes">
            <table className="w-full text-xs" data-testid="attributes">
              <tbody>
                {Object.entries(span.attributes).map(([key, value]) => (
                  <tr key={key} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                    <td className="py-0.5 pr-3 align-top font-mono text-zinc-500">{key}</td>
                    <td className="break-all py-0.5 font-mono">{typeof value === 'string' ? value : JSON.stringify(value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
        ) : null}

        {span.events && span.events.length > 0 ? (
          <Section title={`Events (${span.events.length})`}>
            <ol className="space-y-1 text-xs">
              {span.events.map((event, i) => (
                <li key={i} className="rounded border border-zinc-100 px-2 py-1 dark:border-zinc-800">
                  <span className="mr-2 font-mono text-zinc-500">+{formatDuration(event.time - span.startTime)}</span>
                  <span className="font-medium">{event.name}</span>
                  {event.attributes && Object.keys(event.attributes).length > 0 ? (
                    <div className="mt-0.5 break-all font-mono text-zinc-500">{JSON.stringify(event.attributes)}</div>
                  ) : null}
                </li>
              ))}
            </ol>
          </Section>
        ) : null}
      </div>
    </article>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0 break-all">{children}</dd>
    </>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section>
      <h3 className="mb-1 text-[11px] font-semibold uppercase tracking-wide text-zinc-500">{title}</h3>
      {children}
    </section>
  );
}

function SpanLink({ span, onSelect, testId }: { span: Span; onSelect(spanId: string): void; testId?: string }) {
  return (
    <button
      type="button"
      data-testid={testId}
      onClick={() => onSelect(span.spanId)}
      className="flex w-full items-center gap-2 rounded px-1 py-0.5 text-left text-xs hover:bg-zinc-100 dark:hover:bg-zinc-800"
    >
      <StatusDot status={displayStatusOf(span)} />
      <span className="truncate font-mono">{span.name}</span>
      <span className="ml-auto shrink-0 text-zinc-500">{formatDuration(span.durationMs)}</span>
    </button>
  );
}
