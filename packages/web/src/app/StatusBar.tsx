import { formatCount } from '../lib/format';
import { useHub } from '../state/connection-store';
import { useFeed } from '../state/feed-store';

const STATE_STYLE = {
  connected: 'bg-emerald-500',
  connecting: 'bg-amber-400 animate-pulse',
  reconnecting: 'bg-amber-500 animate-pulse',
  offline: 'bg-red-500',
} as const;

/** Connection state, hub address, live event rate and stored span count. */
export function StatusBar() {
  const connection = useHub((s) => s.connection);
  const rate = useHub((s) => s.rate);
  const stored = useHub((s) => s.storedSpans);
  const version = useHub((s) => s.version);
  const paused = useFeed((s) => s.paused);
  const label =
    connection.lastError === 'unauthorized' && connection.status !== 'connected'
      ? 'not authorized: open the dashboard once with ?token=<token>'
      : connection.status === 'reconnecting'
      ? `reconnecting${connection.attempt > 0 ? ` (attempt ${connection.attempt})` : ''}…`
      : connection.status === 'connecting'
        ? 'connecting…'
        : connection.status;
  return (
    <footer
      className="flex h-7 shrink-0 items-center gap-4 border-t border-zinc-200 bg-zinc-50 px-3 text-xs text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400"
      aria-label="Status bar"
    >
      <span className="flex items-center gap-1.5" data-testid="connection-state" data-state={connection.status} title={connection.lastError}>
        <span className={`size-2 rounded-full ${STATE_STYLE[connection.status]}`} />
        {label}
      </span>
      <span title="Hub address" className="font-mono">
        {window.location.host}
      </span>
      <span data-testid="event-rate" title="Spans per second arriving on the live channel">
        {formatCount(rate)} spans/s{paused ? ' · paused' : ''}
      </span>
      <span data-testid="stored-spans" title="Spans stored in the hub">
        {stored === null ? '—' : `${stored.toLocaleString()} stored`}
      </span>
      <span className="ml-auto">{version ? `runtime-hub ${version}` : 'runtime-hub'}</span>
    </footer>
  );
}
