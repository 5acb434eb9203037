import type { NodeDefinition } from '@runtime-hub/protocol';
import { useState } from 'react';
import { JsonViewer } from '../../components/JsonViewer';
import { pinOf } from '../../studio/changes';
import { canPin, jsonText, parseJsonText } from '../../studio/pins';
import { useStudio } from '../../studio/store';

const button = 'rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800';

/**
 * The node's pinned output (n8n's "pinned data"): pin edited JSON, edit or remove a pin. A pin is
 * part of the workflow definition, saved with it and undone like any edit; runs started by hand
 * use it instead of running the node, webhook and cron runs never do.
 */
export function PinSection({ node }: { node: NodeDefinition }) {
  const info = useStudio((s) => s.types[node.type]);
  const pinned = useStudio((s) => (s.editing ? pinOf(s.editing.workflow, node.id) : undefined));
  const apply = useStudio((s) => s.apply);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!canPin(node, info)) return null;

  const startEditing = () => {
    const lastOutput = useStudio.getState().runDetail?.steps.findLast((st) => st.nodeId === node.id && st.status === 'succeeded')?.output;
    setDraft(jsonText(pinned ?? lastOutput ?? {}));
    setError(null);
  };
  const save = () => {
    const parsed = parseJsonText(draft ?? '');
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    apply({ type: 'setPin', id: node.id, output: parsed.value });
    setDraft(null);
  };

  return (
    <section className="mb-3 rounded border border-violet-200 p-2 text-xs dark:border-violet-900" data-testid="pin-section">
      <div className="flex items-center gap-2">
        <h3 className="text-[11px] font-semibold uppercase tracking-wide text-violet-700 dark:text-violet-300">{pinned !== undefined ? '📌 Pinned output' : 'Pinned output'}</h3>
        <span className="ml-auto flex gap-1">
          {draft === null ? (
            <button type="button" className={button} onClick={startEditing}>
              {pinned !== undefined ? 'Edit pin' : 'Pin data…'}
            </button>
          ) : null}
          {pinned !== undefined && draft === null ? (
            <button type="button" className={button} onClick={() => apply({ type: 'setPin', id: node.id, output: undefined })}>
              Unpin
            </button>
          ) : null}
        </span>
      </div>
      <p className="mt-1 text-[11px] text-zinc-500">
        {pinned !== undefined
          ? 'Runs started by hand use this output instead of running the node. Webhook and cron runs always run it.'
          : 'Pin an output so that runs started by hand use it instead of running this node (no call to the service while you build).'}
      </p>
      {draft !== null ? (
        <div className="mt-1">
          <textarea aria-label="Pinned output JSON" rows={8} spellCheck={false} value={draft} onChange={(e) => setDraft(e.target.value)} className="w-full rounded border border-zinc-300 bg-white p-1 font-mono text-[11px] dark:border-zinc-700 dark:bg-zinc-900" />
          {error ? (
            <p role="alert" className="text-red-600">
              {error}
            </p>
          ) : null}
          <div className="mt-1 flex justify-end gap-1">
            <button type="button" className={button} onClick={() => setDraft(null)}>
              Cancel
            </button>
            <button type="button" className={`${button} border-violet-400 text-violet-800 dark:text-violet-200`} onClick={save}>
              Pin
            </button>
          </div>
        </div>
      ) : pinned !== undefined ? (
        <JsonViewer name="pinned" value={pinned} defaultDepth={3} testId="pinned-output" />
      ) : null}
    </section>
  );
}
