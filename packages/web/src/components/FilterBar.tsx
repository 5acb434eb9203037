import { useEffect, useState } from 'react';
import { useHub } from '../state/connection-store';
import { FILTER_KINDS, FILTER_STATUSES, hasFilters, TIME_RANGES, type Filters, type FilterStatus, type TimeRange } from '../state/filters';
import { useFilters } from '../state/use-filters';
import type { SpanKind } from '../api/types';
import { CopyButton } from './CopyButton';
import { SearchIcon } from './icons';

type Field = 'service' | 'kind' | 'status' | 'q' | 'minMs' | 'range';

const SELECT =
  'h-7 rounded border border-zinc-300 bg-white px-1.5 text-xs dark:border-zinc-700 dark:bg-zinc-900 focus:outline-none focus:ring-2 focus:ring-indigo-500';

/**
 * Service, kind, status, name search and minimum duration, read from and written to the URL.
 * Text inputs apply after a short pause in typing.
 */
export function FilterBar({ fields = ['service', 'kind', 'status', 'q', 'minMs'] }: { fields?: Field[] }) {
  const [filters, setFilters] = useFilters();
  const services = useHub((s) => s.services);
  const [q, setQ] = useState(filters.q ?? '');
  const [minMs, setMinMs] = useState(filters.minMs !== undefined ? String(filters.minMs) : '');

  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  useEffect(() => setMinMs(filters.minMs !== undefined ? String(filters.minMs) : ''), [filters.minMs]);
  useEffect(() => {
    const next = q.trim() || undefined;
    if (next === filters.q) return;
    const timer = setTimeout(() => setFilters({ q: next }), 250);
    return () => clearTimeout(timer);
  }, [q, filters.q, setFilters]);
  useEffect(() => {
    const n = Number(minMs);
    const next = minMs.trim() !== '' && Number.isFinite(n) && n > 0 ? n : undefined;
    if (next === filters.minMs) return;
    const timer = setTimeout(() => setFilters({ minMs: next }), 250);
    return () => clearTimeout(timer);
  }, [minMs, filters.minMs, setFilters]);

  const serviceNames = services.map((s) => s.service);
  if (filters.service && !serviceNames.includes(filters.service)) serviceNames.unshift(filters.service);

  return (
    <div className="flex flex-wrap items-center gap-2" role="search" aria-label="Filters">
      {fields.includes('service') ? (
        <select aria-label="Service" className={SELECT} value={filters.service ?? ''} onChange={(e) => setFilters({ service: e.target.value || undefined })}>
          <option value="">All apps</option>
          {serviceNames.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      ) : null}
      {fields.includes('kind') ? (
        <select aria-label="Kind" className={SELECT} value={filters.kind ?? ''} onChange={(e) => setFilters({ kind: (e.target.value || undefined) as SpanKind | undefined })}>
          <option value="">All kinds</option>
          {FILTER_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
      ) : null}
      {fields.includes('status') ? (
        <select aria-label="Status" className={SELECT} value={filters.status ?? ''} onChange={(e) => setFilters({ status: (e.target.value || undefined) as FilterStatus | undefined })}>
          <option value="">Any status</option>
          {FILTER_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      ) : null}
      {fields.includes('q') ? (
        <label className="relative flex items-center">
          <SearchIcon className="pointer-events-none absolute left-2 text-zinc-400" width={12} height={12} />
          <input
            data-search
            type="search"
            aria-label="Search words"
            title="Whole words in names, inputs, outputs and error messages; word* for a prefix"
            placeholder="Search words  /"
            className={`${SELECT} w-48 pl-6`}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
            }}
          />
        </label>
      ) : null}
      {fields.includes('minMs') ? (
        <label className="flex items-center gap-1 text-xs text-zinc-500">
          ≥
          <input
            type="number"
            min={0}
            aria-label="Minimum duration in milliseconds"
            placeholder="0"
            className={`${SELECT} w-20`}
            value={minMs}
            onChange={(e) => setMinMs(e.target.value)}
          />
          ms
        </label>
      ) : null}
      {fields.includes('range') ? (
        <select aria-label="Time range" className={SELECT} value={filters.range ?? ''} onChange={(e) => setFilters({ range: (e.target.value || undefined) as TimeRange | undefined })}>
          <option value="">All time</option>
          {Object.keys(TIME_RANGES).map((range) => (
            <option key={range} value={range}>
              Last {range}
            </option>
          ))}
        </select>
      ) : null}
      {hasFilters(filters) ? (
        <button type="button" className="h-7 rounded px-2 text-xs text-zinc-600 hover:bg-zinc-200 dark:text-zinc-400 dark:hover:bg-zinc-800" onClick={() => setFilters(null)}>
          Clear filters
        </button>
      ) : null}
      <CopyButton text={() => window.location.href} label="Copy link to this view" className="h-7 px-2" />
    </div>
  );
}

export type { Filters };
