/** Display formatting for durations, times, counts and sizes. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return `${minutes}m ${seconds}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** 14:03:07.123, local time. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** 2026-11-21 14:03:07.123, local time. */
export function formatDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(epochMs)}`;
}

/** "12 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function formatAgo(epochMs: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - epochMs) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)}M`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatPercent(ratio: number | null): string {
  if (ratio === null) return '—';
  if (ratio > 0 && ratio < 0.001) return '<0.1%';
  return `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;
}

/**
 * The one way the dashboard shows money: cents from $0.01 up, and below a cent two significant
 * digits ($0.0042, $0.000012), so a cheap call never reads as $0.0000.
 */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0';
  if (Math.abs(usd) >= 0.01) return `$${usd.toFixed(2)}`;
  const decimals = Math.min(20, 1 - Math.floor(Math.log10(Math.abs(usd))));
  return `$${usd.toFixed(decimals)}`;
}

/** The cost of a roll-up: marked partial when some calls had tokens but no price. */
export function formatCost(usage: { costUsd: number | null; unpricedCalls?: number; costPartial?: boolean }): { text: string; title?: string } {
  const unpriced = usage.unpricedCalls ?? 0;
  if (!usage.costPartial || unpriced === 0) return { text: formatUsd(usage.costUsd) };
  const calls = `${unpriced} call${unpriced === 1 ? '' : 's'} without a price (model not in the price table)`;
  if (usage.costUsd === null) return { text: 'no price', title: calls };
  return { text: `${formatUsd(usage.costUsd)}+ partial`, title: `at least ${formatUsd(usage.costUsd)}: ${calls}` };
}

/** A one-line preview of any JSON value, cut to `max` characters. */
export function previewValue(value: unknown, max = 120): string {
  if (value === undefined) return '';
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  if (text === undefined) return '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
