import { useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { formatAgo, formatDateTime } from '../../lib/format';
import { alertsApi, describeCondition, type Alert, type AlertEvent, type AlertRule } from './alerts-api';
import { RuleForm } from './RuleForm';

const REFRESH_MS = 5000;

/** Links from an alert's labels to the spans behind it. */
function AlertLinks({ labels }: { labels: Record<string, string> }) {
  const links: [string, string][] = [];
  if (labels.service) links.push([`/analytics?service=${encodeURIComponent(labels.service)}${labels.name ? `&fn=${encodeURIComponent(labels.name)}` : ''}`, 'metrics']);
  if (labels.errorGroup) links.push([`/errors?service=${encodeURIComponent(labels.service ?? '')}`, 'errors']);
  if (labels.traceId) links.push([`/traces/${labels.traceId}`, 'trace']);
  return (
    <span className="flex gap-2">
      {links.map(([href, label]) => (
        <Link key={label} href={href} className="text-indigo-700 hover:underline dark:text-indigo-300">
          {label}
        </Link>
      ))}
    </span>
  );
}

/**
 * Alerts: what fires now (acknowledge), what happened (history), and the rules (create, silence,
 * delete). Browser notifications are offered here and shown by AlertNotifier in the shell.
 */
export default function AlertsView() {
  const [firing, setFiring] = useState<Alert[]>([]);
  const [events, setEvents] = useState<AlertEvent[]>([]);
  const [rules, setRules] = useState<AlertRule[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission));

  const load = useCallback(async () => {
    try {
      const [a, e, r] = await Promise.all([alertsApi.alerts('firing'), alertsApi.events(), alertsApi.rules()]);
      setFiring(a.alerts);
      setEvents([...e.events].reverse());
      setRules(r.rules);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const act = (action: () => Promise<unknown>) => () => void action().then(load, (e: unknown) => setError((e as Error).message));
  const ruleName = (id: string) => rules.find((r) => r.id === id)?.name ?? 'deleted rule';

  return (
    <div className="flex min-h-0 flex-1 flex-col gap-3 overflow-y-auto p-3 text-xs" data-testid="alerts-view">
      <div className="flex items-center gap-2">
        <h2 className="text-sm font-semibold">Alerts</h2>
        {permission === 'default' ? (
          <button type="button" className="rounded border border-zinc-300 px-2 py-0.5 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800" onClick={() => void Notification.requestPermission().then(setPermission)}>
            Enable browser notifications
          </button>
        ) : (
          <span className="text-zinc-500">browser notifications: {permission}</span>
        )}
      </div>
      {error ? <p className="text-red-600">{error}</p> : null}

      <section data-testid="firing">
        <h3 className="mb-1 font-semibold">Firing ({firing.length})</h3>
        {firing.length === 0 ? <p className="text-zinc-500">Nothing is firing.</p> : null}
        {firing.map((alert) => (
          <div key={alert.id} className="flex items-center gap-3 border-t border-zinc-100 py-1 dark:border-zinc-900" data-testid="firing-alert">
            <span className="inline-block size-2 shrink-0 rounded-full bg-red-500" />
            <span className="font-medium">{alert.ruleName}</span>
            <span className="min-w-0 flex-1 truncate" title={alert.title}>
              {alert.title}
            </span>
            <AlertLinks labels={alert.labels} />
            <span className="text-zinc-500" title={formatDateTime(alert.startedAt)}>
              since {formatAgo(alert.startedAt)}
            </span>
            {alert.acknowledgedAt ? (
              <span className="text-zinc-500">acknowledged</span>
            ) : (
              <button type="button" className="rounded border border-zinc-300 px-2 py-0.5 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800" onClick={act(() => alertsApi.acknowledge(alert.id))}>
                Acknowledge
              </button>
            )}
          </div>
        ))}
      </section>

      <section data-testid="rules">
        <h3 className="mb-1 font-semibold">Rules</h3>
        <table className="w-full">
          <tbody>
            {rules.map((rule) => {
              const silenced = rule.silencedUntil !== null && rule.silencedUntil > Date.now();
              return (
                <tr key={rule.id} className="border-t border-zinc-100 dark:border-zinc-900" data-testid="rule-row">
                  <td className={`py-1 font-medium ${rule.enabled ? '' : 'text-zinc-400 line-through'}`} title={rule.enabled ? undefined : 'disabled'}>
                    {rule.name}
                  </td>
                  <td className="py-1">{describeCondition(rule.condition)}</td>
                  <td className="py-1 text-zinc-500">{[rule.webhook ? `webhook ${rule.webhook}` : '', rule.email.join(', ')].filter(Boolean).join(' · ') || 'in-app only'}</td>
                  <td className="py-1 text-right">
                    {silenced ? <span className="mr-2 text-amber-700">silenced until {formatDateTime(rule.silencedUntil!)}</span> : null}
                    <button type="button" className="rounded px-2 py-0.5 hover:bg-zinc-100 dark:hover:bg-zinc-800" onClick={act(() => alertsApi.setEnabled(rule, !rule.enabled))}>
                      {rule.enabled ? 'Disable' : 'Enable'}
                    </button>
                    <button type="button" className="rounded px-2 py-0.5 hover:bg-zinc-100 dark:hover:bg-zinc-800" onClick={act(() => alertsApi.silence(rule.id, silenced ? 0 : 60))}>
                      {silenced ? 'Unsilence' : 'Silence 1 h'}
                    </button>
                    <button type="button" className="rounded px-2 py-0.5 text-red-700 hover:bg-zinc-100 dark:hover:bg-zinc-800" onClick={act(() => alertsApi.deleteRule(rule.id))}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {rules.length === 0 ? <p className="text-zinc-500">No rules yet.</p> : null}
      </section>

      <RuleForm onCreated={() => void load()} />

      <section data-testid="history">
        <h3 className="mb-1 font-semibold">History</h3>
        {events.length === 0 ? <p className="text-zinc-500">No alerts yet.</p> : null}
        {events.map((event) => (
          <div key={event.id} className="flex gap-3 border-t border-zinc-100 py-0.5 dark:border-zinc-900" data-testid="history-event">
            <span className="w-36 shrink-0 font-mono text-zinc-500">{formatDateTime(event.at)}</span>
            <span className={`w-24 shrink-0 font-medium ${event.type === 'fired' ? 'text-red-700' : event.type === 'resolved' ? 'text-emerald-700' : 'text-zinc-600'}`}>{event.type}</span>
            <span className="w-40 shrink-0 truncate">{ruleName(event.ruleId)}</span>
            <span className="min-w-0 flex-1 truncate" title={event.title}>
              {event.title}
            </span>
            <span className="text-zinc-500">{event.notified.join(', ')}</span>
          </div>
        ))}
      </section>
    </div>
  );
}
