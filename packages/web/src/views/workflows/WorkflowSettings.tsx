import { HTTP_METHODS } from '../../studio/constants';
import { CopyButton } from '../../components/CopyButton';
import type { WorkflowChange } from '../../studio/changes';
import { curlOf } from '../../studio/curl';
import { useStudio } from '../../studio/store';
import { inputClass } from './FieldInput';

/** What shows when no node is selected: name, visibility, endpoint, trigger, and issues not tied to a node. */
export function WorkflowSettings() {
  const workflow = useStudio((s) => s.editing?.workflow);
  const project = useStudio((s) => s.project);
  const issues = useStudio((s) => s.issues.workflow);
  const apply = useStudio((s) => s.apply);
  const triggerText = useStudio((s) => s.triggerText);
  if (!workflow) return null;
  const set = (patch: Extract<WorkflowChange, { type: 'updateWorkflow' }>['patch'], key?: string) => apply({ type: 'updateWorkflow', patch }, key);
  const trigger = workflow.trigger;
  // The body is the run bar's trigger data.
  const curl = curlOf(location.origin, project, workflow, triggerText);
  return (
    <div data-testid="workflow-panel" className="space-y-2.5 text-xs">
      <h2 className="text-[11px] font-semibold uppercase tracking-wide text-zinc-500">Workflow</h2>
      <label className="block">
        <span className="text-zinc-600 dark:text-zinc-400">Name</span>
        <input aria-label="Workflow name" className={inputClass} value={workflow.name} onChange={(e) => set({ name: e.target.value }, 'wf.name')} />
      </label>
      <label className="block">
        <span className="text-zinc-600 dark:text-zinc-400">Description</span>
        <textarea aria-label="Description" rows={2} className={inputClass} value={workflow.description ?? ''} onChange={(e) => set({ description: e.target.value || undefined }, 'wf.description')} />
      </label>
      <label className="block">
        <span className="text-zinc-600 dark:text-zinc-400">Trigger</span>
        <select
          aria-label="Trigger"
          className={inputClass}
          value={trigger.type}
          onChange={(e) => {
            const type = e.target.value;
            if (type === 'cron') set({ trigger: { type: 'cron', expression: '0 9 * * *', timezone: 'UTC', missed: 'skip' } });
            else if (type === 'webhook') set({ trigger: { type: 'webhook' }, visibility: 'public', endpoint: workflow.endpoint ?? { method: 'POST', path: `/${workflow.id}` } });
            else set({ trigger: { type: 'manual' } });
          }}
        >
          <option value="manual">Manual</option>
          <option value="webhook">Webhook</option>
          <option value="cron">Schedule (cron)</option>
        </select>
      </label>
      {trigger.type === 'cron' ? (
        <div className="grid grid-cols-2 gap-2">
          <label className="col-span-2 block">
            <span className="text-zinc-600 dark:text-zinc-400">Cron expression</span>
            <input aria-label="Cron expression" className={`${inputClass} font-mono`} value={trigger.expression} onChange={(e) => set({ trigger: { ...trigger, expression: e.target.value } }, 'wf.cron')} />
          </label>
          <label className="block">
            <span className="text-zinc-600 dark:text-zinc-400">Time zone</span>
            <input aria-label="Time zone" className={inputClass} value={trigger.timezone} onChange={(e) => set({ trigger: { ...trigger, timezone: e.target.value } }, 'wf.tz')} />
          </label>
          <label className="block">
            <span className="text-zinc-600 dark:text-zinc-400">Missed runs</span>
            <select aria-label="Missed runs" className={inputClass} value={trigger.missed} onChange={(e) => set({ trigger: { ...trigger, missed: e.target.value as 'skip' | 'run-once' } })}>
              <option value="skip">Skip</option>
              <option value="run-once">Run once</option>
            </select>
          </label>
        </div>
      ) : null}
      <label className="flex items-center gap-2">
        <input
          type="checkbox"
          aria-label="Public"
          checked={workflow.visibility === 'public'}
          onChange={(e) => set(e.target.checked ? { visibility: 'public', endpoint: workflow.endpoint ?? { method: 'POST', path: `/${workflow.id}` } } : { visibility: 'internal', endpoint: undefined })}
        />
        Public (reachable at /w/{project}/…)
      </label>
      {workflow.visibility === 'public' && workflow.endpoint ? (
        <div className="flex gap-1">
          <select aria-label="Endpoint method" className={`${inputClass} w-24`} value={workflow.endpoint.method} onChange={(e) => set({ endpoint: { ...workflow.endpoint!, method: e.target.value as (typeof HTTP_METHODS)[number] } })}>
            {HTTP_METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          <input aria-label="Endpoint path" className={`${inputClass} font-mono`} value={workflow.endpoint.path} onChange={(e) => set({ endpoint: { ...workflow.endpoint!, path: e.target.value } }, 'wf.path')} />
        </div>
      ) : null}
      {curl ? (
        <div className="flex items-start gap-1 rounded bg-zinc-100 p-1.5 font-mono text-[11px] dark:bg-zinc-800">
          <code className="min-w-0 flex-1 break-all" data-testid="curl">
            {curl}
          </code>
          <CopyButton text={() => curl} label="Copy curl" />
        </div>
      ) : null}
      {issues.map((issue, i) => (
        <p key={i} role={issue.severity === 'error' ? 'alert' : undefined} className={issue.severity === 'error' ? 'text-red-600' : 'text-amber-600'}>
          {issue.path ? <span className="font-mono">{issue.path}: </span> : null}
          {issue.message}
        </p>
      ))}
      <p className="pt-2 text-[11px] text-zinc-500">Select a node to edit it. Drag from the palette, or click a node type to add it after the selected node.</p>
    </div>
  );
}
