import type { WorkflowDefinition } from '@runtime-hub/protocol';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { button, card, input } from '../projects/format';
import { hubApi, type AssistView, type DraftResult } from '../projects/hub-api';

/** Where to set a provider: the settings form, shown when none works yet (keys stay in the playground's store). */
function ProviderSetup({ view, onSaved }: { view: AssistView; onSaved: (v: AssistView) => void }) {
  const [provider, setProvider] = useState(view.settings?.provider ?? 'openai');
  const [model, setModel] = useState(view.settings?.model ?? '');
  const [baseUrl, setBaseUrl] = useState(view.settings?.baseUrl ?? '');
  const [keyName, setKeyName] = useState(view.settings?.keyName ?? '');
  const [error, setError] = useState<string | null>(null);
  const save = () =>
    hubApi.saveAssistSettings({ provider, model, baseUrl: baseUrl || undefined, keyName: keyName || undefined }).then(onSaved, (err: unknown) => setError((err as Error).message));
  return (
    <div className="space-y-2 text-sm" data-testid="assist-setup">
      <p className="text-zinc-600 dark:text-zinc-400">{(view.problem ?? 'No LLM provider is set up.').replace(view.howTo, '').trim()}</p>
      <p className="text-xs text-zinc-500">{view.howTo} Keys are saved in the <Link href="/playground" className="underline">playground</Link>'s key store, encrypted on the hub; the browser never receives them.</p>
      <div className="flex flex-wrap gap-2">
        <select aria-label="Assist provider" value={provider} onChange={(e) => setProvider(e.target.value as 'openai' | 'anthropic')} className={input}>
          <option value="openai">OpenAI / compatible</option>
          <option value="anthropic">Anthropic</option>
        </select>
        <input aria-label="Assist model" placeholder="model, e.g. gpt-4o-mini" value={model} onChange={(e) => setModel(e.target.value)} className={input} />
        <input aria-label="Assist base URL" placeholder="base URL (optional)" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} className={`${input} w-64`} />
        <select aria-label="Assist key" value={keyName} onChange={(e) => setKeyName(e.target.value)} className={input}>
          <option value="">no key (local server)</option>
          {view.keys.map((k) => (
            <option key={k.name} value={k.name}>{k.name}{k.baseUrl ? ` → ${k.baseUrl}` : ''}</option>
          ))}
        </select>
        <button type="button" className={button} onClick={() => void save()} disabled={!model}>Save provider</button>
      </div>
      {error ? <p role="alert" className="text-xs text-red-600">{error}</p> : null}
    </div>
  );
}

/**
 * AI-assisted building for a project: describe a workflow → a draft (validated, repaired by the
 * hub), complete one of the project's workflows, or explain it. A draft that still has issues is
 * shown with them; saving goes through the normal validator.
 */
export function AssistPanel({ projectId, workflows, onCreated }: { projectId: string; workflows: WorkflowDefinition[]; onCreated: () => void }) {
  const [view, setView] = useState<AssistView | null>(null);
  const [description, setDescription] = useState('');
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<DraftResult | null>(null);
  const [explanation, setExplanation] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void hubApi.assistSettings().then(setView, (err: unknown) => setError((err as Error).message)), []);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const chosen = workflows.find((w) => w.id === target);
  const saveDraft = () =>
    run(async () => {
      if (!result?.workflow) return;
      const taken = new Set(workflows.map((w) => w.id));
      let id = result.workflow.id || 'draft';
      for (let n = 2; taken.has(id); n++) id = `${result.workflow.id}-${n}`;
      await hubApi.createWorkflow(projectId, { ...result.workflow, id });
      setResult(null);
      onCreated();
    });

  return (
    <section className={card} aria-label="AI-assisted building">
      <h2 className="mb-2 text-sm font-semibold">Build with AI</h2>
      {view && !view.configured ? <ProviderSetup view={view} onSaved={setView} /> : null}
      {view?.configured ? (
        <div className="space-y-2 text-sm">
          <p className="text-xs text-zinc-500">Provider: {view.settings?.provider} · {view.settings?.model}{view.settings?.baseUrl ? ` at ${view.settings.baseUrl}` : ''}</p>
          <div className="flex gap-2">
            <textarea aria-label="Describe a workflow" placeholder="Describe a workflow, e.g. every morning check my API and e-mail me when it is down" value={description} onChange={(e) => setDescription(e.target.value)} className={`${input} h-16 flex-1`} />
            <button type="button" className={button} disabled={busy || description.trim().length < 3} onClick={() => void run(async () => setResult(await hubApi.draft(projectId, description)))}>Draft</button>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <select aria-label="Workflow to complete or explain" value={target} onChange={(e) => setTarget(e.target.value)} className={input}>
              <option value="">Choose a workflow…</option>
              {workflows.map((w) => (
                <option key={w.id} value={w.id}>{w.name}</option>
              ))}
            </select>
            <button type="button" className={button} disabled={busy || !chosen} onClick={() => void run(async () => setResult(await hubApi.complete(projectId, chosen, description)))}>Complete it</button>
            <button type="button" className={button} disabled={busy || !chosen} onClick={() => void run(async () => setExplanation((await hubApi.explain(projectId, chosen)).text))}>Explain it</button>
            {busy ? <span className="text-xs text-zinc-500">Asking the model…</span> : null}
          </div>
        </div>
      ) : null}
      {error ? <p role="alert" className="mt-2 text-xs text-red-600">{error}</p> : null}
      {explanation !== null ? <p className="mt-2 whitespace-pre-wrap rounded bg-zinc-50 p-2 text-sm dark:bg-zinc-900" data-testid="assist-explanation">{explanation}</p> : null}
      {result ? (
        <div className="mt-2 space-y-1 text-sm" data-testid="assist-draft">
          <p>
            {result.valid ? 'Valid draft' : 'Draft with issues'} after {result.rounds} round{result.rounds === 1 ? '' : 's'}: {result.workflow?.name ?? '(no workflow)'} — {result.workflow?.nodes?.length ?? 0} nodes
          </p>
          {result.issues.length > 0 ? (
            <ul className="list-disc pl-5 text-xs text-red-700 dark:text-red-400" aria-label="Draft issues">
              {result.issues.map((i, n) => (
                <li key={n}><span className="font-mono">{i.path}</span>: {i.message}</li>
              ))}
            </ul>
          ) : null}
          <ol className="list-decimal pl-5 text-xs text-zinc-600 dark:text-zinc-400">
            {(result.workflow?.nodes ?? []).map((n) => (
              <li key={n.id}>{n.name ?? n.id} <span className="font-mono text-zinc-400">({n.type})</span></li>
            ))}
          </ol>
          <button type="button" className={button} disabled={!result.valid || busy} onClick={() => void saveDraft()}>Save as new workflow</button>
        </div>
      ) : null}
    </section>
  );
}
