import { HUB_VERSION } from '../version.js';
import { UsageError } from './args.js';
import type { Command } from './command.js';
import { exportCommand } from './export-command.js';
import { hookCommand } from './hook-command.js';
import { mcpCommand } from './mcp-command.js';
import { openCommand } from './open-command.js';
import { replayCommand } from './replay-command.js';
import { startCommand } from './start-command.js';
import { watchCommand } from './watch-command.js';
import { workerCommand } from './worker-command.js';

/** Sub-commands; a feature that brings a command adds it here. */
const COMMANDS: Command[] = [
  startCommand,
  openCommand, // the dashboard in an app window
  hookCommand, // Claude Code hook events → hub (stdin, spool when down); hook install / uninstall
  watchCommand, // tail JSONL trace files into a running hub
  workerCommand, // scaled mode: take workflow runs from the BullMQ queues (docs/scaling.md)
  replayCommand, // run a program again from a recorded call (docs/replay.md)
  mcpCommand, // Model Context Protocol on stdio for coding agents (docs/mcp.md)
  exportCommand, // a project as a runnable Python or TypeScript app (docs/export.md)
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return (
    `runtime-hub ${HUB_VERSION} — see inside running software\n\n` +
    `Usage: runtime-hub <command> [options]\n\nCommands:\n` +
    COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n') +
    `\n\nRun "runtime-hub <command> --help" for a command's options.\n`
  );
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${HUB_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`runtime-hub: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`runtime-hub ${name}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`runtime-hub: ${(error as Error).stack ?? String(error)}\n`);
    // Exit now: a hub that failed half-way through starting may hold threads and timers that
    // would keep the process alive, neither listening nor exiting.
    process.exit(1);
  },
);
