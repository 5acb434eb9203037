import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { formatDateTime } from '../../lib/format';
import { fetchBranches, type Branches } from './replay-api';

const LINK = 'text-indigo-600 hover:underline dark:text-indigo-400';

/**
 * The replay family of a trace (docs/replay.md): "replay of …" on a branch, "N replays" on a
 * recorded trace, each with a link to the comparison of the two runs. Nothing when neither.
 */
export function BranchBar({ traceId }: { traceId: string }) {
  const [branches, setBranches] = useState<Branches | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    fetchBranches(traceId, controller.signal).then(setBranches, () => setBranches(null));
    return () => controller.abort();
  }, [traceId]);
  if (!branches || (!branches.branchOf && branches.branches.length === 0)) return null;
  const of = branches.branchOf;
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-zinc-200 bg-amber-50 px-4 py-1.5 text-xs dark:border-zinc-800 dark:bg-amber-950/30" data-testid="replay-branches">
      {of ? (
        <span data-testid="branch-of">
          Replay of{' '}
          <Link href={`/traces/${of.traceId}?span=${of.fromSpan}`} className={`${LINK} font-mono`}>
            {of.traceId.slice(0, 12)}…
          </Link>{' '}
          from call <span className="font-mono">{of.fromSpan}</span> ·{' '}
          <Link href={of.compareUrl} className={LINK} data-testid="compare-link">
            Compare with the recording
          </Link>
        </span>
      ) : null}
      {branches.branches.length > 0 ? (
        <span className="flex flex-wrap items-center gap-x-2" data-testid="branch-list">
          <span>
            {branches.branches.length} replay{branches.branches.length === 1 ? '' : 's'}:
          </span>
          {branches.branches.map((b) => (
            <span key={b.traceId} data-testid="branch">
              <Link href={`/traces/${b.traceId}`} className={`${LINK} font-mono`}>
                {b.traceId.slice(0, 12)}…
              </Link>
              {b.startTime ? <span className="text-zinc-500"> {formatDateTime(b.startTime)}</span> : null} (
              <Link href={b.compareUrl} className={LINK}>
                compare
              </Link>
              )
            </span>
          ))}
        </span>
      ) : null}
    </div>
  );
}
