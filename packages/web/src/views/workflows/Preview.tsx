import { useEffect, useState } from 'react';
import { previewValue } from '../../lib/format';
import { studioApi } from '../../studio/api';
import { useStudio } from '../../studio/store';

/**
 * The value a `{{ }}` template would have had in the run shown, evaluated by the hub against the
 * recorded data (`POST /runs/:id/preview`), 300 ms after the last keystroke. Shown as text.
 */
export function Preview({ template, nodeId }: { template: string; nodeId: string | undefined }) {
  const runId = useStudio((s) => s.runDetail?.run.id);
  const [shown, setShown] = useState<{ value?: unknown; error?: string } | null>(null);
  const relevant = runId !== undefined && template.includes('{{');
  useEffect(() => {
    if (!relevant) return;
    let live = true;
    const timer = setTimeout(() => {
      studioApi.preview(runId, template, nodeId).then(
        (result) => live && setShown(result),
        (err: unknown) => live && setShown({ error: (err as Error).message }),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [relevant, runId, template, nodeId]);
  if (!relevant || !shown) return null;
  return (
    <p data-testid="preview" className={`mt-0.5 truncate font-mono text-[11px] ${shown.error !== undefined ? 'text-red-600' : 'text-zinc-500'}`} title={shown.error ?? previewValue(shown.value, 2000)}>
      {shown.error !== undefined ? `✗ ${shown.error}` : `= ${previewValue(shown.value)}`}
    </p>
  );
}
