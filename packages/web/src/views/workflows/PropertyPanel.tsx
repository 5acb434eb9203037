import type { NodeDefinition } from '@runtime-hub/protocol';
import { ON_ERROR } from '../../studio/constants';
import { useCallback, useDeferredValue } from 'react';
import type { ExpressionContext } from '../../studio/expressions';
import { useStudio } from '../../studio/store';
import { FieldInput, fieldVisible, inputClass } from './FieldInput';
import { NodeRunData } from './NodeRunData';
import { PinSection } from './PinSection';
import { WorkflowSettings } from './WorkflowSettings';

function Row({ label, help, children, issues }: { label: string; help?: string | undefined; children: React.ReactNode; issues?: { severity: string; message: string }[] | undefined }) {
  return (
    <div className="mb-2.5">
      <div className="mb-0.5 text-[11px] font-medium text-zinc-600 dark:text-zinc-400">{label}</div>
      {children}
      {help ? <p className="mt-0.5 text-[11px] text-zinc-500">{help}</p> : null}
      {issues?.map((issue, i) => (
        <p key={i} role={issue.severity === 'error' ? 'alert' : undefined} className={`mt-0.5 text-[11px] ${issue.severity === 'error' ? 'text-red-600' : 'text-amber-600'}`}>
          {issue.message}
        </p>
      ))}
    </div>
  );
}

/** The expression context of a node: ids and last-run outputs of every node, its own last input. */
export function useExpressionContext(nodeId: string | undefined): () => ExpressionContext {
  return useCallback(() => {
    const s = useStudio.getState();
    const steps = s.runDetail?.steps ?? [];
    const outputOf = (id: string) => steps.findLast((st) => st.nodeId === id && st.status === 'succeeded')?.output;
    const trigger = s.runDetail?.run.trigger;
    return {
      nodes: (s.editing?.workflow.nodes ?? []).map((n) => ({ id: n.id, output: outputOf(n.id) })),
      input: nodeId ? steps.findLast((st) => st.nodeId === nodeId)?.input : undefined,
      trigger,
      env: s.env,
      secrets: s.secrets,
      filters: s.catalog?.expressions.filters ?? [],
    };
  }, [nodeId]);
}

function NodePanel({ node }: { node: NodeDefinition }) {
  const info = useStudio((s) => s.types[node.type]);
  const issues = useStudio((s) => s.issues.nodes[node.id]);
  const apply = useStudio((s) => s.apply);
  const context = useExpressionContext(node.id);
  const general = issues ? [...issues.errors, ...issues.warnings].filter((i) => !i.field) : [];
  return (
    <div data-testid="node-panel">
      <div className="mb-3">
        <div className="text-xs text-zinc-500">
          {info?.name ?? node.type} · <span className="font-mono">{node.id}</span>
        </div>
        {info?.description ? <p className="mt-1 text-[11px] text-zinc-500">{info.description}</p> : null}
        {general.map((issue, i) => (
          <p key={i} className={`mt-1 text-[11px] ${issues!.errors.includes(issue) ? 'text-red-600' : 'text-amber-600'}`}>
            {issue.message}
          </p>
        ))}
      </div>
      <Row label="Name">
        <input aria-label="Node name" className={inputClass} value={node.name ?? ''} onChange={(e) => apply({ type: 'updateNode', id: node.id, patch: { name: e.target.value || undefined } }, `${node.id}.name`)} />
      </Row>
      {info?.fields
        .filter((spec) => fieldVisible(spec, node.config, info.fields))
        .map((spec) => (
          <Row key={spec.name} label={`${spec.label}${spec.required ? ' *' : ''}`} help={spec.help} issues={issues?.fields[spec.name]}>
            <FieldInput
              spec={spec}
              nodeId={node.id}
              value={node.config[spec.name]}
              context={context}
              invalid={issues?.fields[spec.name]?.some((i) => i.severity === 'error') ?? false}
              onChange={(value) => apply({ type: 'setConfig', id: node.id, field: spec.name, value }, `${node.id}.${spec.name}`)}
            />
          </Row>
        ))}
      {node.type !== 'trigger' ? (
        <details className="mb-2 text-xs">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Errors, retries, timeout</summary>
          <div className="mt-2">
            <Row label="On error" help="fail the run, continue with { error } as output, or route { error } to the node's error output">
              <select aria-label="On error" className={inputClass} value={node.onError ?? 'fail'} onChange={(e) => apply({ type: 'updateNode', id: node.id, patch: { onError: e.target.value === 'fail' ? undefined : (e.target.value as NodeDefinition['onError']) } })}>
                {ON_ERROR.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            </Row>
            <Row label="Retries" help="attempts after the first, for retryable errors">
              <input aria-label="Retries" className={inputClass} inputMode="numeric" value={node.retry?.maxRetries ?? ''} onChange={(e) => apply({ type: 'updateNode', id: node.id, patch: { retry: e.target.value === '' ? undefined : { ...node.retry, maxRetries: Number(e.target.value) || 0 } } }, `${node.id}.retry`)} />
            </Row>
            <Row label="Timeout (ms)">
              <input aria-label="Timeout" className={inputClass} inputMode="numeric" value={node.timeoutMs ?? ''} onChange={(e) => apply({ type: 'updateNode', id: node.id, patch: { timeoutMs: e.target.value === '' ? undefined : Number(e.target.value) || 1 } }, `${node.id}.timeoutMs`)} />
            </Row>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={node.disabled === true} onChange={(e) => apply({ type: 'updateNode', id: node.id, patch: { disabled: e.target.checked || undefined } })} /> Disabled (passes its input through)
            </label>
          </div>
        </details>
      ) : null}
      <Row label="Notes">
        <textarea aria-label="Notes" rows={2} className={inputClass} value={node.notes ?? ''} onChange={(e) => apply({ type: 'updateNode', id: node.id, patch: { notes: e.target.value || undefined } }, `${node.id}.notes`)} />
      </Row>
      <PinSection node={node} />
      <NodeRunData nodeId={node.id} />
    </div>
  );
}

/** The right-hand panel: the selected node's fields and run data, or the workflow's settings. */
export function PropertyPanel() {
  // Deferred: a new selection renders the panel in a transition React can interrupt, so a click
  // on the canvas is not held up by building the node's editors.
  const selection = useDeferredValue(useStudio((s) => s.selection));
  const node = useStudio((s) => (selection.length === 1 ? s.editing?.workflow.nodes.find((n) => n.id === selection[0]) : undefined));
  return (
    <aside aria-label="Properties" className="w-80 shrink-0 overflow-auto border-l border-zinc-200 p-3 text-sm dark:border-zinc-800">
      {node ? <NodePanel key={node.id} node={node} /> : selection.length > 1 ? <p className="text-xs text-zinc-500">{selection.length} nodes selected. Delete, copy or drag them together.</p> : <WorkflowSettings />}
    </aside>
  );
}
