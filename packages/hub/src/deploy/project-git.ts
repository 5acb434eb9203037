import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HubError, ProjectDefinition, WorkflowDefinition } from '@runtime-hub/protocol';

const run = promisify(execFile);
const HASH = /^[0-9a-f]{7,40}$/;

export interface Commit {
  hash: string;
  author: string;
  time: number;
  message: string;
}

/**
 * Each project folder (`<data>/projects/<id>/`) is a git repository: every save is a commit, a
 * deployment's version is a commit hash, and a deployment at an old version is built from the
 * files of that commit. Writes to one project are serialized; git runs as a child process.
 */
export class ProjectGit {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly projectsDir: string) {}

  folder(project: string): string {
    return join(this.projectsDir, project);
  }

  private git(project: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    const identity = ['-c', 'user.name=runtime-hub', '-c', 'user.email=runtime-hub@localhost', '-c', 'commit.gpgsign=false', '-c', 'core.quotepath=false'];
    return run('git', [...identity, ...args], { cwd: this.folder(project), maxBuffer: 8 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  }

  private serialized<T>(project: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(project) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.queues.set(project, next.catch(() => undefined));
    return next;
  }

  /** Commits the folder as it is now (creating the repository on first use); returns HEAD. */
  commit(project: string, message: string): Promise<string> {
    return this.serialized(project, async () => {
      if (!existsSync(this.folder(project))) throw new HubError('PROJECT_NOT_FOUND', `no project "${project}"`);
      if (!existsSync(join(this.folder(project), '.git'))) {
        await this.git(project, ['init', '-q', '-b', 'main']);
        writeFileSync(join(this.folder(project), '.gitignore'), '*.tmp\n.tmp-*\n');
      }
      await this.git(project, ['add', '-A', '.']);
      const staged = await this.git(project, ['diff', '--cached', '--quiet']).then(
        () => false,
        () => true,
      );
      const hasHead = await this.git(project, ['rev-parse', '--verify', '-q', 'HEAD']).then(
        () => true,
        () => false,
      );
      if (staged || !hasHead) await this.git(project, ['commit', '-q', '--allow-empty', '-m', message]);
      return (await this.git(project, ['rev-parse', 'HEAD'])).stdout.trim();
    });
  }

  async log(project: string, limit = 100): Promise<Commit[]> {
    if (!existsSync(join(this.folder(project), '.git'))) return [];
    const { stdout } = await this.git(project, ['log', `-n${Math.min(Math.max(limit, 1), 1000)}`, '--format=%H%x1f%an%x1f%at%x1f%s']);
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [hash = '', author = '', time = '0', message = ''] = line.split('\x1f');
        return { hash, author, time: Number(time) * 1000, message };
      });
  }

  private async resolve(project: string, version: string): Promise<string> {
    if (!HASH.test(version)) throw new HubError('INVALID_QUERY', `a version is a commit hash (7 to 40 hex digits), not ${JSON.stringify(version)}`);
    try {
      return (await this.git(project, ['rev-parse', '--verify', '-q', `${version}^{commit}`])).stdout.trim();
    } catch {
      throw new HubError('VERSION_UNKNOWN', `project "${project}" has no commit ${version}`);
    }
  }

  /** The unified diff between two commits (`to` defaults to HEAD), at most 1 MB. */
  async diff(project: string, from: string, to?: string): Promise<string> {
    const a = await this.resolve(project, from);
    const b = to ? await this.resolve(project, to) : 'HEAD';
    const { stdout } = await this.git(project, ['diff', '--no-color', a, b, '--']);
    return stdout.length > 1024 * 1024 ? `${stdout.slice(0, 1024 * 1024)}\n… (diff cut at 1 MB)\n` : stdout;
  }

  /** The project and its workflows as they were at a commit. */
  async readAt(project: string, version: string): Promise<{ hash: string; project: ProjectDefinition; workflows: WorkflowDefinition[] }> {
    const hash = await this.resolve(project, version);
    const { stdout } = await this.git(project, ['ls-tree', '--name-only', hash]);
    const files = stdout.split('\n').filter((f) => f.endsWith('.json'));
    const read = async (file: string) => JSON.parse((await this.git(project, ['show', `${hash}:${file}`])).stdout) as unknown;
    const manifest = ProjectDefinition.parse(await read('project.json'));
    const workflows: WorkflowDefinition[] = [];
    for (const file of files.filter((f) => f !== 'project.json')) {
      const parsed = WorkflowDefinition.safeParse(await read(file));
      if (parsed.success) workflows.push(parsed.data);
    }
    return { hash, project: manifest, workflows };
  }
}
