import { formatCount, formatDuration, formatPercent, formatUsd } from '../../lib/format';
import type { BreakdownRow } from './metrics-api';

type Column = 'calls' | 'errors' | 'errorRate' | 'p50' | 'p95' | 'p99' | 'tokens' | 'cost';

const HEADINGS: Record<Column, string> = { calls: 'Calls', errors: 'Errors', errorRate: 'Error rate', p50: 'p50', p95: 'p95', p99: 'p99', tokens: 'Tokens', cost: 'Cost' };

function cell(row: BreakdownRow, column: Column): string {
  switch (column) {
    case 'calls':
      return formatCount(row.calls);
    case 'errors':
      return formatCount(row.errors);
    case 'errorRate':
      return formatPercent(row.errorRate);
    case 'p50':
      return formatDuration(row.p50Ms);
    case 'p95':
      return formatDuration(row.p95Ms);
    case 'p99':
      return formatDuration(row.p99Ms);
    case 'tokens':
      return formatCount(row.inputTokens + row.outputTokens);
    case 'cost':
      return formatUsd(row.costUsd);
  }
}

/** A ranked table of a breakdown: the name narrows the view to it, "spans" lists the calls behind it. */
export function BreakdownTable({ title, rows, columns, onSelect, onSpans, testId }: { title: string; rows: BreakdownRow[]; columns: Column[]; onSelect(row: BreakdownRow): void; onSpans(row: BreakdownRow): void; testId: string }) {
  return (
    <section className="min-w-0 rounded border border-zinc-200 p-2 text-xs dark:border-zinc-800" data-testid={testId}>
      <h3 className="mb-1 font-semibold">{title}</h3>
      {rows.length === 0 ? (
        <p className="text-zinc-500">Nothing in this range.</p>
      ) : (
        <table className="w-full">
          <thead className="text-left text-[11px] uppercase text-zinc-500">
            <tr>
              <th className="py-1">Name</th>
              {columns.map((c) => (
                <th key={c} className="w-20 whitespace-nowrap py-1 text-right">
                  {HEADINGS[c]}
                </th>
              ))}
              <th className="w-12" />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const label = row.model ?? (row.name !== undefined ? row.name : row.service);
              return (
                <tr key={`${row.service}\u0000${row.name ?? ''}\u0000${row.model ?? ''}`} className="border-t border-zinc-100 dark:border-zinc-900" data-testid="breakdown-row">
                  <td className="max-w-0 truncate py-1" title={label}>
                    <button type="button" className="font-mono text-indigo-700 hover:underline dark:text-indigo-300" onClick={() => onSelect(row)}>
                      {label}
                    </button>
                    {row.name !== undefined && row.model === undefined ? <span className="ml-1 text-zinc-500">{row.service}</span> : null}
                  </td>
                  {columns.map((c) => (
                    <td key={c} className="whitespace-nowrap py-1 text-right font-mono">
                      {cell(row, c)}
                    </td>
                  ))}
                  <td className="py-1 pl-2 text-right">
                    <button type="button" className="text-indigo-700 hover:underline dark:text-indigo-300" onClick={() => onSpans(row)}>
                      spans
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
