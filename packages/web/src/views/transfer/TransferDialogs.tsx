import { useRef, useState } from 'react';
import { useSearch } from 'wouter';
import { Dialog } from '../../components/Dialog';
import { formatBytes } from '../../lib/format';
import { exportSpans, importSpans, type ExportProgress, type ImportProgress } from '../../lib/transfer';
import { useHub } from '../../state/connection-store';
import { apiParamsOf, hasFilters, parseFilters } from '../../state/filters';
import { useUi } from '../../state/ui-store';

const BUTTON = 'rounded bg-indigo-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-indigo-700 disabled:opacity-50';
const SECONDARY = 'rounded border border-zinc-300 px-3 py-1.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800';

/** File → Export and File → Import. */
export default function TransferDialogs() {
  const dialog = useUi((s) => s.dialog);
  const close = () => useUi.getState().openDialog(null);
  if (dialog === 'export') return <ExportDialog onClose={close} />;
  if (dialog === 'import') return <ImportDialog onClose={close} />;
  return null;
}

function ExportDialog({ onClose }: { onClose(): void }) {
  const filters = parseFilters(useSearch());
  const stored = useHub((s) => s.storedSpans);
  const [format, setFormat] = useState<'jsonl' | 'csv'>('jsonl');
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [state, setState] = useState<'idle' | 'running' | 'done' | 'failed'>('idle');
  const [message, setMessage] = useState('');
  const abort = useRef<AbortController | null>(null);
  const expected = hasFilters(filters) ? null : stored;

  const start = () => {
    abort.current = new AbortController();
    setState('running');
    setProgress({ spans: 0, bytes: 0 });
    exportSpans(apiParamsOf(filters), format, setProgress, abort.current.signal).then(
      (n) => {
        setState('done');
        setMessage(`${n.toLocaleString()} spans saved.`);
      },
      (e: unknown) => {
        setState('failed');
        setMessage((e as Error).name === 'AbortError' ? 'Cancelled.' : String((e as Error).message));
      },
    );
  };

  const filterText = Object.entries(filters)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  return (
    <Dialog title="Export spans" onClose={() => (abort.current?.abort(), onClose())}>
      <div className="space-y-3" data-testid="export-dialog">
        <p>Exports every stored span matching the current filter{filterText ? ` (${filterText})` : ' (all spans)'}, oldest first.</p>
        <fieldset className="flex gap-4">
          <label className="flex items-center gap-1.5">
            <input type="radio" name="format" checked={format === 'jsonl'} onChange={() => setFormat('jsonl')} /> JSON Lines (re-importable)
          </label>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="format" checked={format === 'csv'} onChange={() => setFormat('csv')} /> CSV (spreadsheets)
          </label>
        </fieldset>
        {progress ? (
          <div>
            <progress className="w-full" max={expected ?? undefined} value={expected ? Math.min(progress.spans, expected) : undefined} />
            <p className="text-xs text-zinc-500" data-testid="export-progress">
              {progress.spans.toLocaleString()}
              {expected ? ` of ~${expected.toLocaleString()}` : ''} spans · {formatBytes(progress.bytes)}
            </p>
          </div>
        ) : null}
        {message ? <p className={state === 'failed' ? 'text-red-600' : 'text-emerald-700 dark:text-emerald-400'}>{message}</p> : null}
        <div className="flex justify-end gap-2">
          {state === 'running' ? (
            <button type="button" className={SECONDARY} onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          ) : (
            <button type="button" className={SECONDARY} onClick={onClose}>
              Close
            </button>
          )}
          <button type="button" className={BUTTON} disabled={state === 'running'} onClick={start}>
            {state === 'running' ? 'Exporting…' : 'Export'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function ImportDialog({ onClose }: { onClose(): void }) {
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [state, setState] = useState<'idle' | 'running' | 'done' | 'failed'>('idle');
  const [message, setMessage] = useState('');
  const abort = useRef<AbortController | null>(null);

  const start = () => {
    if (!file) return;
    abort.current = new AbortController();
    setState('running');
    setMessage('');
    importSpans(file, setProgress, abort.current.signal).then(
      (p) => {
        setState('done');
        setMessage(`${p.accepted.toLocaleString()} spans imported${p.annotations ? `, ${p.annotations.toLocaleString()} bookmarks and notes` : ''}${p.rejected ? `, ${p.rejected.toLocaleString()} rejected` : ''}.`);
      },
      (e: unknown) => {
        setState('failed');
        setMessage((e as Error).name === 'AbortError' ? 'Cancelled.' : String((e as Error).message));
      },
    );
  };

  return (
    <Dialog title="Import spans" onClose={() => (abort.current?.abort(), onClose())}>
      <div className="space-y-3" data-testid="import-dialog">
        <p>Sends a file exported from runtime-hub (JSON Lines, a JSON array, or CSV) to this hub. Spans keep their ids: importing twice stores them once.</p>
        <input
          type="file"
          accept=".jsonl,.ndjson,.json,.csv,application/json,text/csv"
          aria-label="File to import"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          className="block w-full text-xs file:mr-3 file:rounded file:border-0 file:bg-zinc-200 file:px-3 file:py-1.5 dark:file:bg-zinc-800"
        />
        {progress ? (
          <div>
            <progress className="w-full" max={1} value={progress.fraction} />
            <p className="text-xs text-zinc-500" data-testid="import-progress">
              {Math.round(progress.fraction * 100)}% · {progress.accepted.toLocaleString()} accepted · {progress.rejected.toLocaleString()} rejected
            </p>
            {progress.problems.length > 0 ? (
              <ul className="mt-1 list-disc pl-5 text-xs text-red-600">
                {progress.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {message ? (
          <p className={state === 'failed' ? 'text-red-600' : 'text-emerald-700 dark:text-emerald-400'} data-testid="import-result">
            {message}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          {state === 'running' ? (
            <button type="button" className={SECONDARY} onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          ) : (
            <button type="button" className={SECONDARY} onClick={onClose}>
              Close
            </button>
          )}
          <button type="button" className={BUTTON} disabled={!file || state === 'running'} onClick={start}>
            {state === 'running' ? 'Importing…' : 'Import'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
