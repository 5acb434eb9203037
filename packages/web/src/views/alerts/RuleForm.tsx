import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { alertsApi, type RuleCondition } from './alerts-api';

type Type = RuleCondition['type'];

const TYPES: { type: Type; label: string }[] = [
  { type: 'error_rate', label: 'Error rate over a threshold' },
  { type: 'latency_p95', label: 'p95 latency over a threshold' },
  { type: 'cost_per_hour', label: 'LLM cost per hour over a budget' },
  { type: 'new_error_group', label: 'A new kind of error' },
  { type: 'workflow_failed', label: 'A workflow run failing' },
  { type: 'deployment_down', label: 'A deployment going down' },
];

/** Which inputs each type shows, as [field, label, numeric]. */
const FIELDS: Record<Type, [string, string, boolean][]> = {
  error_rate: [['service', 'Service', false], ['name', 'Function', false], ['thresholdPct', 'Threshold %', true], ['windowMinutes', 'Window (min)', true], ['minCalls', 'Min calls', true]],
  latency_p95: [['service', 'Service', false], ['name', 'Function', false], ['thresholdMs', 'Threshold ms', true], ['windowMinutes', 'Window (min)', true], ['minCalls', 'Min calls', true]],
  cost_per_hour: [['service', 'Service', false], ['budgetUsd', 'Budget $ / hour', true]],
  new_error_group: [['service', 'Service', false], ['quietMinutes', 'Resolve after quiet (min)', true]],
  workflow_failed: [['project', 'Project', false], ['workflow', 'Workflow', false]],
  deployment_down: [['deployment', 'Deployment', false]],
};

const DEFAULTS: Partial<Record<string, string>> = { thresholdPct: '5', windowMinutes: '5', minCalls: '10', thresholdMs: '1000', budgetUsd: '1', quietMinutes: '60' };

const INPUT = 'h-7 rounded border border-zinc-300 bg-white px-1.5 text-xs dark:border-zinc-700 dark:bg-zinc-900';

/** A new rule: its type, what it watches, and where to notify. The hub's 400 says what is wrong. */
export function RuleForm({ onCreated }: { onCreated(): void }) {
  const [type, setType] = useState<Type>('error_rate');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [webhookUrl, setWebhookUrl] = useState('');
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const condition: Record<string, unknown> = { type };
    for (const [field, , numeric] of FIELDS[type]) {
      const text = (values[field] ?? DEFAULTS[field] ?? '').trim();
      if (text !== '') condition[field] = numeric ? Number(text) : text;
    }
    try {
      await alertsApi.createRule({
        name: name.trim() || TYPES.find((t) => t.type === type)!.label,
        condition: condition as RuleCondition,
        ...(webhookUrl.trim() ? { webhookUrl: webhookUrl.trim() } : {}),
        email: email.split(',').map((e) => e.trim()).filter(Boolean),
      });
      setError(null);
      setName('');
      setValues({});
      onCreated();
    } catch (e) {
      setError(e instanceof ApiError ? `${e.message}` : String(e));
    }
  };

  return (
    <form className="flex flex-col gap-2 rounded border border-zinc-200 p-3 text-xs dark:border-zinc-800" onSubmit={(e) => void submit(e)} data-testid="rule-form">
      <h3 className="font-semibold">New rule</h3>
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col gap-0.5">
          Name
          <input className={INPUT} value={name} onChange={(e) => setName(e.target.value)} placeholder="checkout errors" />
        </label>
        <label className="flex flex-col gap-0.5">
          When
          <select className={INPUT} aria-label="Rule type" value={type} onChange={(e) => setType(e.target.value as Type)}>
            {TYPES.map((t) => (
              <option key={t.type} value={t.type}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        {FIELDS[type].map(([field, label, numeric]) => (
          <label key={field} className="flex flex-col gap-0.5">
            {label}
            <input
              className={`${INPUT} ${numeric ? 'w-24' : 'w-36'}`}
              inputMode={numeric ? 'decimal' : 'text'}
              value={values[field] ?? DEFAULTS[field] ?? ''}
              placeholder={numeric ? '' : 'any'}
              onChange={(e) => setValues({ ...values, [field]: e.target.value })}
            />
          </label>
        ))}
      </div>
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col gap-0.5">
          Webhook (Slack-compatible)
          <input className={`${INPUT} w-80`} value={webhookUrl} onChange={(e) => setWebhookUrl(e.target.value)} placeholder="https://hooks.slack.com/services/…" />
        </label>
        <label className="flex flex-col gap-0.5">
          Email (comma-separated)
          <input className={`${INPUT} w-64`} value={email} onChange={(e) => setEmail(e.target.value)} placeholder="oncall@example.com" />
        </label>
        <button type="submit" className="h-7 rounded bg-indigo-600 px-3 text-white hover:bg-indigo-700">
          Create rule
        </button>
      </div>
      {error ? (
        <p className="text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
