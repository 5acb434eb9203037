import { existsSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeFiles } from '../export/write-files.js';
import { resolveToken, UsageError } from './args.js';
import type { Command } from './command.js';

function help(): string {
  return `Usage: runtime-hub export <project> --python|--typescript --out DIR [--url URL] [--force]

Writes project <project> of a running hub as a runnable app: --python gives a FastAPI app
(main.py, workflows/, runtime/, requirements.txt, Dockerfile, .env.example, railway/fly/render
configs), --typescript a Fastify app (package.json, src/, Dockerfile, …). Secrets are exported by
name only (.env.example); the app reads their values from its environment. See docs/export.md.

Options:
  --python | --typescript   the language of the app (one of them)
  --out DIR                 the folder to write (must be empty or absent, unless --force)
  --force                   write into a folder that is not empty (files are overwritten)
  --url URL                 the hub's address (default http://127.0.0.1:8765; env RUNTIME_HUB_URL)
  --token TOKEN             the hub's token, if it has one (env RUNTIME_HUB_TOKEN)
  --token-file PATH         read the token from this file (env RUNTIME_HUB_TOKEN_FILE)
  -h, --help                show this help
`;
}

interface ExportReply {
  files?: { path: string; content: string }[];
  warnings?: { message: string }[];
  error?: { code: string; message: string; details?: { problems?: { message: string }[] } };
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a project as a runnable Python (FastAPI) or TypeScript (Fastify) app',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        python: { type: 'boolean' },
        typescript: { type: 'boolean' },
        out: { type: 'string' },
        force: { type: 'boolean' },
        url: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(help());
      return 0;
    }
    const [project] = positionals;
    if (!project || positionals.length > 1) throw new UsageError('name exactly one project: runtime-hub export <project> --python|--typescript --out DIR');
    if (values.python === values.typescript) throw new UsageError('choose one language: --python or --typescript');
    if (!values.out) throw new UsageError('--out DIR is required');
    if (existsSync(values.out) && readdirSync(values.out).length > 0 && !values.force) {
      throw new UsageError(`${values.out} is not empty (use --force to write into it)`);
    }
    const language = values.python ? 'python' : 'typescript';
    const base = (values.url ?? process.env.RUNTIME_HUB_URL ?? 'http://127.0.0.1:8765').replace(/\/+$/, '');
    const token = resolveToken({ token: values.token, tokenFile: values['token-file'] }, process.env);
    let response: Response;
    try {
      response = await fetch(`${base}/api/v1/projects/${encodeURIComponent(project)}/export?language=${language}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    } catch (error) {
      process.stderr.write(`runtime-hub export: no hub answers at ${base} (${(error as Error).message}); start it with runtime-hub start\n`);
      return 1;
    }
    const reply = (await response.json()) as ExportReply;
    if (!response.ok || !reply.files) {
      const problems = reply.error?.details?.problems?.map((p) => `  - ${p.message}\n`).join('') ?? '';
      process.stderr.write(`runtime-hub export: ${reply.error?.code ?? response.status}: ${reply.error?.message ?? 'the hub refused the export'}\n${problems}`);
      return 1;
    }
    writeFiles(values.out, reply.files);
    for (const warning of reply.warnings ?? []) process.stderr.write(`warning: ${warning.message}\n`);
    process.stdout.write(`wrote ${reply.files.length} files of project "${project}" (${language}) to ${values.out}\n`);
    return 0;
  },
};
