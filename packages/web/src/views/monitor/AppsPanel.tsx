import { Sparkline } from '../../components/Sparkline';
import { useNow } from '../../hooks/use-now';
import { formatAgo, formatPercent } from '../../lib/format';
import { useHub } from '../../state/connection-store';
import { useFilters } from '../../state/use-filters';
import { RecentErrors } from './RecentErrors';

/** Connected apps with presence and activity; clicking one filters every view to it. */
export function AppsPanel() {
  const services = useHub((s) => s.services);
  const loaded = useHub((s) => s.servicesLoaded);
  const [filters, setFilters] = useFilters();
  const now = useNow(true, 5000);
  return (
    <section aria-label="Connected apps" className="flex w-64 shrink-0 flex-col border-r border-zinc-200 dark:border-zinc-800">
      <h2 className="flex items-center justify-between px-3 py-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">
        Apps
        <span className="font-normal normal-case">{services.filter((s) => s.online).length} online</span>
      </h2>
      <ul className="min-h-0 flex-1 overflow-y-auto px-2 pb-2" data-testid="apps">
        {loaded && services.length === 0 ? (
          <li className="px-2 py-4 text-xs leading-5 text-zinc-500">
            No app has reported yet. Instrument one with <code>@track</code> (Python) or <code>track()</code> (TypeScript), or send spans to{' '}
            <code>POST /api/v1/spans</code>.
          </li>
        ) : null}
        {services.map((service) => {
          const selected = filters.service === service.service;
          const onlineInstances = service.instances.filter((i) => i.online).length;
          // What the SDKs had to drop (buffer full while the hub was away, …), summed over instances.
          const dropped = service.instances.reduce((n, i) => n + Object.values(i.dropped).reduce((a, b) => a + b, 0), 0);
          const instanceInfo = service.instances
            .map((i) => `${i.online ? '●' : '○'} ${i.host ?? '?'} pid ${i.pid ?? '?'}${i.runtimeVersion ? ` · ${i.language ?? ''} ${i.runtimeVersion}` : ''}${i.sdk ? ` · ${i.sdk}` : ''}`)
            .join('\n');
          return (
            <li key={service.service}>
              <button
                type="button"
                aria-pressed={selected}
                data-testid="app"
                data-service={service.service}
                title={instanceInfo || undefined}
                onClick={() => setFilters({ service: selected ? undefined : service.service })}
                className={`mb-1 w-full rounded-md border px-2.5 py-2 text-left ${
                  selected
                    ? 'border-indigo-400 bg-indigo-50 dark:border-indigo-700 dark:bg-indigo-950/60'
                    : 'border-transparent hover:border-zinc-200 hover:bg-zinc-50 dark:hover:border-zinc-800 dark:hover:bg-zinc-900'
                }`}
              >
                <div className="flex items-center gap-2">
                  <span
                    className={`size-2 shrink-0 rounded-full ${service.online ? 'bg-emerald-500' : 'bg-zinc-400'}`}
                    title={service.online ? 'online' : 'offline'}
                    aria-label={service.online ? 'online' : 'offline'}
                  />
                  <span className="truncate text-sm font-medium">{service.service}</span>
                  {service.language ? <span className="ml-auto shrink-0 text-[11px] text-zinc-500">{service.language}</span> : null}
                </div>
                <div className="mt-1 flex items-end justify-between gap-2">
                  <div className="text-[11px] leading-4 text-zinc-500">
                    <div>
                      {service.activity.callsPerMinute}/min · {formatPercent(service.activity.errorRate)} errors
                    </div>
                    <div>
                      {onlineInstances > 0 ? `${onlineInstances} instance${onlineInstances === 1 ? '' : 's'}` : service.online ? 'sending' : 'offline'} ·{' '}
                      {formatAgo(service.lastSeen, now)}
                    </div>
                  </div>
                  {dropped > 0 ? (
                    <span className="text-[11px] text-amber-700 dark:text-amber-400" title="Spans the SDK could not deliver">
                      {dropped.toLocaleString()} dropped
                    </span>
                  ) : null}
                  <Sparkline values={service.activity.sparkline} width={72} height={18} label={`${service.service} calls per minute, last 30 minutes`} />
                </div>
              </button>
            </li>
          );
        })}
      </ul>
      <RecentErrors />
    </section>
  );
}
