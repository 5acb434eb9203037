import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useShallow } from 'zustand/react/shallow';
import { isTyping } from '../../app/shortcuts';
import { Dialog } from '../../components/Dialog';
import { diffWorkflows } from '../../studio/diff';
import { isDirty, useStudio } from '../../studio/store';
import { Canvas, type CanvasProps } from './Canvas';
import { DiffList } from './DiffList';
import { Palette } from './Palette';
import { PropertyPanel } from './PropertyPanel';
import { RunBar } from './RunBar';
import { useLiveRun } from './use-live-run';

const tool = 'rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 disabled:opacity-40 dark:border-zinc-700 dark:hover:bg-zinc-800';

function useEditorKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = useStudio.getState();
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void s.save();
        return;
      }
      if (isTyping(e.target) || document.querySelector('dialog[open]')) return;
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) s.redo();
        else s.undo();
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        s.redo();
      } else if (mod && e.key.toLowerCase() === 'd') {
        e.preventDefault();
        void s.paste(s.copy());
      } else if (mod && e.key.toLowerCase() === 'a') {
        e.preventDefault();
        s.select(s.editing?.workflow.nodes.map((n) => n.id) ?? []);
      } else if (!mod && e.key.toLowerCase() === 'l') {
        e.preventDefault();
        void s.layout();
      }
    };
    // Copy and paste use the clipboard events, so they need no clipboard permission.
    const onCopy = (e: ClipboardEvent) => {
      if (isTyping(e.target) || useStudio.getState().selection.length === 0) return;
      e.clipboardData?.setData('text/plain', useStudio.getState().copy());
      e.preventDefault();
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isTyping(e.target)) return;
      const text = e.clipboardData?.getData('text/plain');
      if (text) {
        e.preventDefault();
        void useStudio.getState().paste(text);
      }
    };
    window.addEventListener('keydown', onKey, true);
    document.addEventListener('copy', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, []);
}

function PasteDialog({ onClose }: { onClose: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title="Paste workflow JSON" onClose={onClose} wide>
      <textarea aria-label="Workflow JSON" rows={14} value={text} onChange={(e) => setText(e.target.value)} className="w-full rounded border border-zinc-300 p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950" placeholder='{ "nodes": [...], "edges": [...] }' />
      {error ? <p className="text-xs text-red-600">{error}</p> : null}
      <div className="mt-2 flex justify-end">
        <button
          type="button"
          className={tool}
          onClick={() =>
            void useStudio
              .getState()
              .paste(text)
              .then((ok) => (ok ? onClose() : setError('Not workflow JSON: expected { nodes, edges }, a whole workflow, or a list of nodes.')))
          }
        >
          Add to canvas
        </button>
      </div>
    </Dialog>
  );
}

function ConflictBanner() {
  const conflict = useStudio((s) => s.conflict);
  const local = useStudio((s) => s.editing?.workflow);
  const diff = useMemo(() => (conflict && local ? diffWorkflows(local, conflict.server) : null), [conflict, local]);
  if (!conflict || !diff) return null;
  return (
    <div role="alert" data-testid="conflict" className="border-b border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
      <div className="flex items-center gap-2">
        <strong>Someone saved version {conflict.server.version} while you were editing.</strong>
        <span>Their version differs from yours in:</span>
        <button type="button" className={tool} onClick={() => void useStudio.getState().reload()}>
          Reload theirs (drop my edits)
        </button>
        <button type="button" className={tool} onClick={() => void useStudio.getState().save({ overwrite: true })}>
          Overwrite with mine
        </button>
      </div>
      <div className="mt-1">
        <DiffList diff={diff} testId="conflict-diff" />
      </div>
    </div>
  );
}

/**
 * The canvas with what it shows besides the definition — the run's live statuses, issues and the
 * selection — read here, so a live status (once per frame while a run streams) re-renders the
 * canvas, not the toolbar, palette and panels around it.
 */
function EditorCanvas(props: Pick<CanvasProps, 'workflow' | 'onChange' | 'onSelect' | 'onDropType'>) {
  const view = useStudio(useShallow((st) => ({ types: st.types, run: st.run, issues: st.issues, selection: st.selection })));
  return <Canvas {...props} {...view} />;
}

/** The workflow editor: palette, canvas, property panel, run bar; everything edits through change objects. */
export default function StudioView({ project, workflow }: { project: string; workflow: string }) {
  const s = useStudio(
    useShallow((st) => ({
      editing: st.editing,
      saved: st.saved,
      catalog: st.catalog,
      message: st.message,
      saving: st.saving,
      undo: st.undo,
      redo: st.redo,
      layout: st.layout,
      save: st.save,
      addNode: st.addNode,
    })),
  );
  const [loadError, setLoadError] = useState<string | null>(null);
  const [pasting, setPasting] = useState(false);
  useEffect(() => {
    setLoadError(null);
    useStudio
      .getState()
      .load(project, workflow)
      .catch((err: unknown) => setLoadError((err as Error).message));
  }, [project, workflow]);
  useEditorKeys();
  // Issues follow the edits: the hub's validator runs 400 ms after the last change.
  const current = s.editing?.workflow;
  useEffect(() => {
    if (!current) return;
    const timer = setTimeout(() => void useStudio.getState().validate().catch(() => undefined), 400);
    return () => clearTimeout(timer);
  }, [current]);
  useLiveRun(useStudio((st) => st.run?.runId ?? null));
  const dirty = isDirty(s);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const onSelect = useCallback((ids: string[]) => useStudio.getState().select(ids), []);
  const onChange = useStudio((st) => st.apply);
  const onDropType = useCallback((type: string, position: { x: number; y: number }) => useStudio.getState().addNode(type, position), []);

  if (loadError) return <p className="p-6 text-sm text-red-600">{loadError}</p>;
  const editing = s.editing;
  if (!editing || !s.catalog) return <p className="p-6 text-sm text-zinc-500">Loading workflow…</p>;
  const wf = editing.workflow;
  const copyAll = () => void navigator.clipboard?.writeText(JSON.stringify(wf, null, 2));

  return (
    <div className="flex min-h-0 flex-1 flex-col" data-testid="studio">
      <div className="flex shrink-0 items-center gap-2 border-b border-zinc-200 px-3 py-1.5 dark:border-zinc-800">
        <Link href={`/workflows/${project}`} className="text-xs text-indigo-600 hover:underline dark:text-indigo-300">
          {project}
        </Link>
        <span className="text-zinc-400">/</span>
        <h1 className="truncate text-sm font-semibold" data-testid="workflow-title">
          {wf.name}
        </h1>
        <span className="text-xs text-zinc-500" data-testid="version">
          v{wf.version ?? 0}
          {dirty ? ' · unsaved' : ''}
        </span>
        <span className="ml-4 flex items-center gap-1">
          <button type="button" className={tool} onClick={() => s.undo()} disabled={editing.past.length === 0} title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button type="button" className={tool} onClick={() => s.redo()} disabled={editing.future.length === 0} title="Redo (Ctrl+Shift+Z)">
            Redo
          </button>
          <button type="button" className={tool} onClick={() => void s.layout()} title="Auto layout (L)">
            Auto layout
          </button>
          <button type="button" className={tool} onClick={() => setPasting(true)}>
            Paste JSON…
          </button>
          <button type="button" className={tool} onClick={copyAll} title="Copy the whole workflow as JSON">
            Copy JSON
          </button>
          <Link href={`/workflows/${project}/${workflow}/runs`} className={tool}>
            Runs
          </Link>
          <Link href={`/workflows/${project}/${workflow}/versions`} className={tool}>
            Versions
          </Link>
        </span>
        <span className="ml-auto flex items-center gap-2">
          {s.message ? (
            <span role="status" className={`text-xs ${s.message.kind === 'error' ? 'text-red-600' : 'text-emerald-700 dark:text-emerald-400'}`} data-testid="studio-message">
              {s.message.text}
            </span>
          ) : null}
          <button type="button" className="rounded bg-indigo-600 px-3 py-1 text-xs font-medium text-white hover:bg-indigo-700 disabled:opacity-50" onClick={() => void s.save()} disabled={s.saving} data-testid="save">
            {s.saving ? 'Saving…' : 'Save'}
          </button>
        </span>
      </div>
      <ConflictBanner />
      <div className="flex min-h-0 flex-1">
        <Palette types={s.catalog.nodeTypes} hasTrigger={wf.nodes.some((n) => n.type === 'trigger')} onAdd={(type) => s.addNode(type)} />
        <div className="min-w-0 flex-1">
          <ReactFlowProvider>
            <EditorCanvas workflow={wf} onChange={onChange} onSelect={onSelect} onDropType={onDropType} />
          </ReactFlowProvider>
        </div>
        <PropertyPanel />
      </div>
      <RunBar project={project} workflowId={workflow} />
      {pasting ? <PasteDialog onClose={() => setPasting(false)} /> : null}
    </div>
  );
}
