import type { Span } from '../api/types';

export type DisplayStatus = 'running' | 'ok' | 'error' | 'unset';

export function displayStatusOf(span: Pick<Span, 'status' | 'endTime'>): DisplayStatus {
  if (span.status === 'error') return 'error';
  if (span.endTime === null) return 'running';
  return span.status === 'ok' ? 'ok' : 'unset';
}

const DOT: Record<DisplayStatus, string> = {
  running: 'bg-sky-500 animate-pulse',
  ok: 'bg-emerald-500',
  error: 'bg-red-500',
  unset: 'bg-zinc-400',
};

const PILL: Record<DisplayStatus, string> = {
  running: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  ok: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  error: 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300',
  unset: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
};

const LABEL: Record<DisplayStatus, string> = { running: 'running', ok: 'ok', error: 'error', unset: 'ended' };

export function StatusDot({ status }: { status: DisplayStatus }) {
  return <span className={`inline-block size-2 shrink-0 rounded-full ${DOT[status]}`} title={LABEL[status]} aria-label={LABEL[status]} />;
}

export function StatusPill({ status }: { status: DisplayStatus }) {
  return (
    <span className={`inline-flex items-center gap-1.5 rounded px-1.5 py-0.5 text-xs font-medium ${PILL[status]}`} data-status={status}>
      <StatusDot status={status} />
      {LABEL[status]}
    </span>
  );
}

export function KindTag({ kind }: { kind: string }) {
  return <span className="rounded bg-zinc-100 px-1 py-px font-mono text-[11px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">{kind}</span>;
}
