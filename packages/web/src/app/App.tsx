import { lazy, Suspense, useEffect, useMemo } from 'react';
import { Route, Switch, useLocation, useSearch } from 'wouter';
import { MenuBar, type MenuDef } from '../components/Menu';
import { filterSearch } from '../state/filters';
import { useFeed } from '../state/feed-store';
import { isDark, useUi } from '../state/ui-store';
import { MonitorView } from '../views/monitor/MonitorView';
import { AlertNotifier } from '../views/alerts/AlertNotifier';
import { HelpDialogs } from './HelpDialogs';
import { NAV_ITEMS, NavRail } from './NavRail';
import { type Shortcut, useShortcuts } from './shortcuts';
import { StatusBar } from './StatusBar';

const TracesView = lazy(() => import('../views/traces/TracesView'));
const TraceView = lazy(() => import('../views/traces/TraceView'));
const ErrorsView = lazy(() => import('../views/errors/ErrorsView'));
const SessionsView = lazy(() => import('../views/sessions/SessionsView'));
const AgentsView = lazy(() => import('../views/agents/AgentsView'));
const AgentRunView = lazy(() => import('../views/agents/AgentRunView'));
const CompareView = lazy(() => import('../views/compare/CompareView'));
const AnnotationsView = lazy(() => import('../views/annotations/AnnotationsView'));
const SpanPage = lazy(() => import('../views/monitor/SpanPage'));
const WorkflowsHome = lazy(() => import('../views/workflows/WorkflowsHome'));
const StudioView = lazy(() => import('../views/workflows/StudioView'));
const RunsView = lazy(() => import('../views/workflows/RunsView'));
const RunPage = lazy(() => import('../views/workflows/RunPage'));
const VersionsView = lazy(() => import('../views/workflows/VersionsView'));
const TransferDialogs = lazy(() => import('../views/transfer/TransferDialogs'));
const PlaygroundView = lazy(() => import('../views/playground/PlaygroundView'));
const ProjectsView = lazy(() => import('../views/projects/ProjectsView'));
const ProjectDetail = lazy(() => import('../views/projects/ProjectDetail'));
const WorkflowMetricsView = lazy(() => import('../views/workflow-metrics/WorkflowMetricsView'));
const SchedulesView = lazy(() => import('../views/schedules/SchedulesView'));
const ScheduleEditor = lazy(() => import('../views/schedules/ScheduleEditor'));
const TemplatesView = lazy(() => import('../views/templates/TemplatesView'));
const PluginsView = lazy(() => import('../views/plugins/PluginsView'));
const ExportView = lazy(() => import('../views/export/ExportView'));
const DeployView = lazy(() => import('../views/deploy/DeployView'));
const MetricsView = lazy(() => import('../views/metrics/MetricsView'));
const AlertsView = lazy(() => import('../views/alerts/AlertsView'));

function useThemeClass(): void {
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    const apply = () => document.documentElement.classList.toggle('dark', isDark(theme));
    apply();
    const media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}

/** The app shell: menu bar, navigation, the current view, status bar, dialogs and shortcuts. */
export function App() {
  useThemeClass();
  const [, navigate] = useLocation();
  const search = useSearch();
  const ui = useUi();
  const paused = useFeed((s) => s.paused);
  const dark = isDark(ui.theme);

  const shortcuts = useMemo<Shortcut[]>(() => {
    const go = (path: string) => () => navigate(`${path}${filterSearch(window.location.search)}`);
    return [
      ...NAV_ITEMS.filter((n) => n.key).map((n) => ({ key: n.key!, label: n.key!, description: `Go to ${n.label}`, run: go(n.path) })),
      { key: '/', label: '/', description: 'Search words in names, inputs, outputs and errors', run: () => document.querySelector<HTMLInputElement>('[data-search]')?.focus() },
      { key: 'p', label: 'P', description: 'Pause / resume the live feed', run: () => useFeed.getState().togglePaused() },
      { key: 'c', label: 'C', description: 'Clear the live feed view', run: () => useFeed.getState().clear() },
      { key: 't', label: 'T', description: 'Toggle light / dark theme', run: () => useUi.getState().toggleTheme() },
      { key: 'd', label: 'D', description: 'Toggle compact density', run: () => useUi.getState().toggleDensity() },
      { key: 'e', label: 'E', description: 'Export the current filter', run: () => useUi.getState().openDialog('export') },
      { key: 'i', label: 'I', description: 'Import an exported file', run: () => useUi.getState().openDialog('import') },
      { key: '?', label: '?', description: 'Show keyboard shortcuts', run: () => useUi.getState().openDialog('shortcuts') },
    ];
  }, [navigate]);
  useShortcuts(shortcuts);

  const menus: MenuDef[] = [
    {
      label: 'File',
      items: [
        { label: 'Export…', shortcut: 'E', onSelect: () => ui.openDialog('export') },
        { label: 'Import…', shortcut: 'I', onSelect: () => ui.openDialog('import') },
      ],
    },
    {
      label: 'Monitor',
      items: [
        { label: paused ? 'Resume live' : 'Pause live', shortcut: 'P', onSelect: () => useFeed.getState().togglePaused() },
        { label: 'Clear view', shortcut: 'C', onSelect: () => useFeed.getState().clear() },
        { separator: true },
        { label: 'Show all apps', onSelect: () => navigate(`/${filterSearch(search).replace(/(^\?|&)service=[^&]*/, '$1')}`) },
      ],
    },
    {
      label: 'View',
      items: [
        { label: 'Light theme', checked: !dark, onSelect: () => ui.setTheme('light') },
        { label: 'Dark theme', checked: dark, shortcut: 'T', onSelect: () => ui.setTheme('dark') },
        { label: 'Follow system theme', checked: ui.theme === 'system', onSelect: () => ui.setTheme('system') },
        { separator: true },
        { label: 'Comfortable density', checked: ui.density === 'comfortable', onSelect: () => ui.setDensity('comfortable') },
        { label: 'Compact density', checked: ui.density === 'compact', shortcut: 'D', onSelect: () => ui.setDensity('compact') },
      ],
    },
    {
      label: 'Help',
      items: [
        { label: 'Documentation', onSelect: () => ui.openDialog('about') },
        { label: 'Keyboard shortcuts', shortcut: '?', onSelect: () => ui.openDialog('shortcuts') },
      ],
    },
  ];

  return (
    <div className="flex h-full flex-col bg-white text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100" data-density={ui.density}>
      <header className="flex h-10 shrink-0 items-center gap-3 border-b border-zinc-200 bg-zinc-50 px-3 dark:border-zinc-800 dark:bg-zinc-900">
        <span className="flex items-center gap-1.5 text-sm font-semibold">
          <img src="/icon.svg" alt="" className="size-5" />
          runtime-hub
        </span>
        <MenuBar menus={menus} />
      </header>
      <div className="flex min-h-0 flex-1">
        <NavRail />
        <main className="flex min-w-0 flex-1 flex-col">
          <Suspense fallback={<div className="p-6 text-sm text-zinc-500">Loading…</div>}>
            <Switch>
              <Route path="/" component={MonitorView} />
              <Route path="/traces" component={TracesView} />
              <Route path="/traces/:traceId">{(params) => <TraceView traceId={params.traceId} />}</Route>
              <Route path="/errors" component={ErrorsView} />
              <Route path="/sessions" component={SessionsView} />
              <Route path="/agents" component={AgentsView} />
              <Route path="/plugins" component={PluginsView} />
              <Route path="/analytics" component={MetricsView} />
              <Route path="/alerts" component={AlertsView} />
              <Route path="/export">{() => <ExportView />}</Route>
              <Route path="/export/:project">{(params) => <ExportView project={params.project} />}</Route>
              <Route path="/deploy/:project">{(params) => <DeployView project={params.project} />}</Route>
              <Route path="/agents/:traceId">{(params) => <AgentRunView traceId={params.traceId} />}</Route>
              <Route path="/agents/:traceId/:tab">{(params) => <AgentRunView traceId={params.traceId} tab={params.tab} />}</Route>
              <Route path="/compare/:a/:b">{(params) => <CompareView key={`${params.a}/${params.b}`} a={params.a} b={params.b} />}</Route>
              <Route path="/annotations" component={AnnotationsView} />
              <Route path="/spans/:spanId">{(params) => <SpanPage spanId={params.spanId} />}</Route>
              <Route path="/playground">{() => <PlaygroundView />}</Route>
              <Route path="/playground/:spanId">{(params) => <PlaygroundView key={params.spanId} spanId={params.spanId} />}</Route>
              <Route path="/projects">{() => <ProjectsView />}</Route>
              <Route path="/projects/:project">{(params) => <ProjectDetail key={params.project} projectId={params.project} />}</Route>
              <Route path="/workflow-metrics">{() => <WorkflowMetricsView />}</Route>
              <Route path="/schedules">{() => <SchedulesView />}</Route>
              <Route path="/schedules/:project/:workflow">{(params) => <ScheduleEditor project={params.project} workflow={params.workflow} />}</Route>
              <Route path="/templates">{() => <TemplatesView />}</Route>
              <Route path="/workflows">{() => <WorkflowsHome />}</Route>
              <Route path="/workflows/:project">{(params) => <WorkflowsHome project={params.project} />}</Route>
              <Route path="/workflows/:project/:workflow">{(params) => <StudioView project={params.project} workflow={params.workflow} />}</Route>
              <Route path="/workflows/:project/:workflow/runs">{(params) => <RunsView project={params.project} workflow={params.workflow} />}</Route>
              <Route path="/workflows/:project/:workflow/runs/:runId">{(params) => <RunPage project={params.project} workflow={params.workflow} runId={params.runId} />}</Route>
              <Route path="/workflows/:project/:workflow/versions">{(params) => <VersionsView project={params.project} workflow={params.workflow} />}</Route>
              <Route>
                <div className="p-6 text-sm">
                  Nothing here. <a className="text-indigo-600 underline" href="/">Back to the monitor</a>
                </div>
              </Route>
            </Switch>
          </Suspense>
        </main>
      </div>
      <StatusBar />
      <HelpDialogs shortcuts={shortcuts} />
      <AlertNotifier />
      {ui.dialog === 'export' || ui.dialog === 'import' ? (
        <Suspense fallback={null}>
          <TransferDialogs />
        </Suspense>
      ) : null}
    </div>
  );
}
