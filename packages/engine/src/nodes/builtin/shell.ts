import { NodeFailure, permanent } from '../../errors.js';
import { toText } from '../../expr/index.js';
import type { NodeType } from '../types.js';

/** A shell command on the hub's machine, opt-in per project. */
export const shellNode: NodeType = {
  info: {
    type: 'shell',
    name: 'Shell command',
    category: 'action',
    description:
      'Runs a command with /bin/sh and outputs { exitCode, stdout, stderr }. The command sees only PATH, HOME, LANG, the project\'s environment variables and the env set here — never the hub\'s own environment. Pass data through env rather than by pasting expressions into the command. Needs "allowShell" in the project settings.',
    fields: [
      { name: 'command', label: 'Command', type: 'text', required: true, help: 'Example: ls -la "$DIR"', placeholder: 'echo "$GREETING"' },
      { name: 'cwd', label: 'Working directory', type: 'string', help: 'Default: the project folder.' },
      { name: 'env', label: 'Environment', type: 'map', default: {}, help: 'Extra variables; values may use {{ expressions }}.' },
      { name: 'timeoutMs', label: 'Time limit (ms)', type: 'number', default: 60_000, min: 1, max: 86_400_000, help: 'The process group is killed when it runs longer.' },
      { name: 'failOnNonZero', label: 'Fail on non-zero exit', type: 'boolean', default: true, help: 'Fail the node (SHELL_EXIT) when the command exits with another status than 0.' },
    ],
    outputs: ['main'],
    requires: 'allowShell',
  },
  run: async (context) => {
    if (!context.project.settings.allowShell) {
      throw permanent('NODE_NOT_ALLOWED', `shell nodes are disabled in project "${context.project.id}"; enable settings.allowShell to run them`);
    }
    const shell = context.services.shell;
    if (!shell) throw permanent('INTERNAL', 'this engine was started without a shell runner');
    const env: Record<string, string> = { ...context.project.env };
    const extra = context.config.env;
    if (extra !== null && typeof extra === 'object' && !Array.isArray(extra)) {
      for (const [name, value] of Object.entries(extra)) env[name] = toText(value);
    }
    const cwd = context.config.cwd ? toText(context.config.cwd) : undefined;
    const result = await shell.run({
      project: context.project.id,
      command: toText(context.config.command),
      cwd,
      env,
      timeoutMs: context.config.timeoutMs as number,
      maxOutputBytes: 1024 * 1024,
      signal: context.signal,
    });
    if (result.timedOut) throw new NodeFailure('NODE_TIMEOUT', `the command ran longer than ${String(context.config.timeoutMs)} ms`);
    const output = { exitCode: result.exitCode, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
    if (context.config.failOnNonZero !== false && result.exitCode !== 0) {
      throw new NodeFailure('SHELL_EXIT', `the command exited with ${result.exitCode ?? result.signal}: ${result.stderr.trim().slice(-500)}`, {
        details: output,
      });
    }
    return { output };
  },
};
