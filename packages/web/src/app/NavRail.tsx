import type { ComponentType, SVGProps } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { ActivityIcon, AlertIcon, BellIcon, BookmarkIcon, BotIcon, BoxIcon, ChartIcon, ClockIcon, FlowIcon, ListIcon, PlayIcon, PuzzleIcon, UsersIcon } from '../components/icons';
import { filterSearch } from '../state/filters';

interface NavItem {
  path: string;
  label: string;
  key?: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  soon?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { path: '/', label: 'Monitor', key: '1', icon: ActivityIcon },
  { path: '/traces', label: 'Traces', key: '2', icon: ListIcon },
  { path: '/errors', label: 'Errors', key: '3', icon: AlertIcon },
  { path: '/sessions', label: 'Sessions', key: '4', icon: UsersIcon },
  { path: '/agents', label: 'Agents', icon: BotIcon },
  { path: '/analytics', label: 'Metrics', key: '6', icon: ChartIcon },
  { path: '/alerts', label: 'Alerts', key: '7', icon: BellIcon },
  { path: '/annotations', label: 'Notes', icon: BookmarkIcon },
  { path: '/projects', label: 'Projects', icon: BoxIcon },
  { path: '/workflows', label: 'Workflows', key: '5', icon: FlowIcon },
  { path: '/workflow-metrics', label: 'Run metrics', icon: ChartIcon },
  { path: '/schedules', label: 'Schedules', icon: ClockIcon },
  { path: '/templates', label: 'Templates', icon: ListIcon },
  { path: '/playground', label: 'Playground', icon: PlayIcon },
  { path: '/plugins', label: 'Plugins', icon: PuzzleIcon },
  { path: '/export', label: 'Export & deploy', icon: BoxIcon },
];

export function isActive(path: string, location: string): boolean {
  return path === '/' ? location === '/' || location.startsWith('/spans') : location.startsWith(path);
}

/** The left navigation; links keep the current filters, so a filtered app stays filtered. */
export function NavRail() {
  const [location] = useLocation();
  const search = useSearch();
  const carry = filterSearch(search);
  return (
    <nav aria-label="Views" className="flex w-40 shrink-0 flex-col gap-0.5 border-r border-zinc-200 bg-zinc-50 p-2 dark:border-zinc-800 dark:bg-zinc-900/60">
      {NAV_ITEMS.map((item) => {
        if (item.soon) {
          return (
            <span key={item.path} className="flex items-center gap-2 rounded px-2 py-1.5 text-sm text-zinc-400 dark:text-zinc-600" title="Coming with agent tracing and workflows">
              <item.icon className="shrink-0" />
              {item.label}
              <span className="ml-auto text-[10px] uppercase tracking-wide">soon</span>
            </span>
          );
        }
        const active = isActive(item.path, location);
        return (
          <Link
            key={item.path}
            href={`${item.path}${carry}`}
            aria-current={active ? 'page' : undefined}
            className={`flex items-center gap-2 rounded px-2 py-1.5 text-sm ${
              active
                ? 'bg-indigo-100 font-medium text-indigo-900 dark:bg-indigo-950 dark:text-indigo-200'
                : 'text-zinc-700 hover:bg-zinc-200 dark:text-zinc-300 dark:hover:bg-zinc-800'
            }`}
          >
            <item.icon className="shrink-0" />
            {item.label}
            {item.key ? <kbd className="ml-auto font-mono text-[10px] text-zinc-400">{item.key}</kbd> : null}
          </Link>
        );
      })}
    </nav>
  );
}
