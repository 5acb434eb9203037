import type { WorkflowDiff } from '../../studio/diff';

/** A per-node, per-field list of what differs between two versions of a workflow. */
export function DiffList({ diff, testId }: { diff: WorkflowDiff; testId?: string }) {
  const rows: { sign: string; text: string; tone: string }[] = [
    ...diff.workflow.map((k) => ({ sign: '~', text: `workflow ${k}`, tone: 'text-amber-700 dark:text-amber-400' })),
    ...diff.added.map((id) => ({ sign: '+', text: `node ${id}`, tone: 'text-emerald-700 dark:text-emerald-400' })),
    ...diff.removed.map((id) => ({ sign: '−', text: `node ${id}`, tone: 'text-red-700 dark:text-red-400' })),
    ...diff.changed.map((c) => ({ sign: '~', text: `node ${c.id}: ${c.fields.join(', ')}`, tone: 'text-amber-700 dark:text-amber-400' })),
    ...diff.edgesAdded.map((e) => ({ sign: '+', text: `edge ${e}`, tone: 'text-emerald-700 dark:text-emerald-400' })),
    ...diff.edgesRemoved.map((e) => ({ sign: '−', text: `edge ${e}`, tone: 'text-red-700 dark:text-red-400' })),
  ];
  if (rows.length === 0) return <p className="text-xs text-zinc-500">No differences.</p>;
  return (
    <ul className="space-y-0.5 font-mono text-xs" data-testid={testId}>
      {rows.map((r, i) => (
        <li key={i} className={r.tone}>
          {r.sign} {r.text}
        </li>
      ))}
    </ul>
  );
}
