import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError, request } from '../../api/client';
import { CodeViewer } from './CodeViewer';
import { buildTree, entryFile, type TreeFolder } from './file-tree';

interface ExportReply {
  project: string;
  language: Language;
  files: { path: string; content: string; bytes: number }[];
  warnings: { message: string }[];
}
type Language = 'python' | 'typescript';

const TAB = 'rounded px-3 py-1 text-xs font-medium';
const ACTIVE = 'bg-indigo-600 text-white';
const IDLE = 'border border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800';

function Folder({ folder, selected, onSelect, depth }: { folder: TreeFolder; selected?: string; onSelect(path: string): void; depth: number }) {
  const [open, setOpen] = useState(depth < 1 || folder.path === 'workflows' || folder.path === 'src');
  return (
    <li>
      {folder.name && (
        <button type="button" className="w-full truncate text-left text-zinc-600 hover:text-zinc-900 dark:text-zinc-400" style={{ paddingLeft: depth * 12 }} onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? '▾' : '▸'} {folder.name}/
        </button>
      )}
      {open && (
        <ul>
          {folder.children.map((child) =>
            child.kind === 'folder' ? (
              <Folder key={child.path} folder={child} selected={selected} onSelect={onSelect} depth={folder.name ? depth + 1 : depth} />
            ) : (
              <li key={child.path}>
                <button
                  type="button"
                  className={`w-full truncate rounded text-left ${child.path === selected ? 'bg-indigo-100 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-200' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
                  style={{ paddingLeft: (folder.name ? depth + 1 : depth) * 12 + 12 }}
                  onClick={() => onSelect(child.path)}
                  data-file={child.path}
                >
                  {child.name}
                </button>
              </li>
            ),
          )}
        </ul>
      )}
    </li>
  );
}

/**
 * Export a project as a runnable app: choose Python (FastAPI) or TypeScript (Fastify), browse the
 * generated files with highlighting, download them as a zip. A node the language cannot run is
 * listed by name instead.
 */
export default function ExportView({ project }: { project?: string }) {
  const [, navigate] = useLocation();
  const [projects, setProjects] = useState<{ id: string; name: string }[]>([]);
  const [language, setLanguage] = useState<Language>('python');
  const [reply, setReply] = useState<ExportReply | null>(null);
  const [failure, setFailure] = useState<{ message: string; problems: string[] } | null>(null);
  const [selected, setSelected] = useState<string | undefined>();

  useEffect(() => {
    request<{ projects: { id: string; name: string }[] }>('/api/v1/projects').then(
      (data) => setProjects(data.projects),
      () => setProjects([]),
    );
  }, []);

  useEffect(() => {
    if (!project) return;
    let cancelled = false;
    setReply(null);
    setFailure(null);
    request<ExportReply>(`/api/v1/projects/${encodeURIComponent(project)}/export?language=${language}`).then(
      (data) => {
        if (cancelled) return;
        setReply(data);
        setSelected(entryFile(data.files.map((f) => f.path)));
      },
      (error: unknown) => {
        if (cancelled) return;
        const details = error instanceof ApiError ? (error.details as { problems?: { message: string }[] } | undefined) : undefined;
        setFailure({ message: (error as Error).message, problems: details?.problems?.map((p) => p.message) ?? [] });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [project, language]);

  const tree = useMemo(() => (reply ? buildTree(reply.files) : null), [reply]);
  const file = reply?.files.find((f) => f.path === selected);
  const zip = project ? `/api/v1/projects/${encodeURIComponent(project)}/export?language=${language}&format=zip` : '#';

  return (
    <div className="flex h-full min-h-0 flex-col gap-3 p-4">
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">Export as an app</h1>
        <select
          aria-label="Project"
          className="rounded border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700"
          value={project ?? ''}
          onChange={(event) => navigate(`/export/${event.target.value}`)}
        >
          <option value="" disabled>
            Choose a project…
          </option>
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.id})
            </option>
          ))}
        </select>
        <div className="flex gap-1" role="tablist" aria-label="Language">
          {(['python', 'typescript'] as const).map((l) => (
            <button key={l} type="button" role="tab" aria-selected={language === l} className={`${TAB} ${language === l ? ACTIVE : IDLE}`} onClick={() => setLanguage(l)}>
              {l === 'python' ? 'Python (FastAPI)' : 'TypeScript (Fastify)'}
            </button>
          ))}
        </div>
        {reply && (
          <a className={`${TAB} ${ACTIVE}`} href={zip} download={`${project}-${language}.zip`}>
            Download .zip
          </a>
        )}
        {project && (
          <Link className="text-xs text-indigo-600 hover:underline" href={`/deploy/${project}`}>
            Deployments →
          </Link>
        )}
      </header>
      {!project && <p className="text-sm text-zinc-500">Pick a project to see its app. The same files come from the command line: runtime-hub export &lt;project&gt; --python --out DIR.</p>}
      {failure && (
        <div role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          <p>{failure.message}</p>
          {failure.problems.length > 0 && (
            <ul className="mt-2 list-disc pl-5" data-testid="export-problems">
              {failure.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {reply && reply.warnings.length > 0 && (
        <ul className="rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200">
          {reply.warnings.map((w) => (
            <li key={w.message}>{w.message}</li>
          ))}
        </ul>
      )}
      {reply && tree && (
        <div className="grid min-h-0 flex-1 grid-cols-[16rem_1fr] gap-3">
          <nav aria-label="Files" className="min-h-0 overflow-auto rounded border border-zinc-200 p-2 font-mono text-xs dark:border-zinc-800">
            <p className="mb-2 text-zinc-500">{reply.files.length} files</p>
            <ul>
              <Folder folder={tree} selected={selected} onSelect={setSelected} depth={0} />
            </ul>
          </nav>
          <section className="flex min-h-0 flex-col rounded border border-zinc-200 dark:border-zinc-800" aria-label="File">
            <div className="border-b border-zinc-200 px-3 py-1 font-mono text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400" data-testid="file-path">
              {file?.path} {file && <span className="text-zinc-400">({file.bytes.toLocaleString()} bytes)</span>}
            </div>
            <div className="min-h-0 flex-1">{file && <CodeViewer path={file.path} text={file.content} />}</div>
          </section>
        </div>
      )}
    </div>
  );
}
