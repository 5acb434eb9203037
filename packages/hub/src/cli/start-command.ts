import { fileURLToPath } from 'node:url';
import { isLoopback } from '../config.js';
import { HUB_VERSION } from '../version.js';
import { parseStartArgs, startHelp, UsageError } from './args.js';
import type { Command } from './command.js';
import { tuneHeap } from './heap-tuning.js';

/** The built dashboard, when the web package is part of this checkout. */
const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export const startCommand: Command = {
  name: 'start',
  summary: 'start the hub (API, live channel, dashboard)',
  help: startHelp,
  async run(argv) {
    const args = parseStartArgs(argv, process.env);
    if (args.help) {
      process.stdout.write(startHelp());
      return 0;
    }
    tuneHeap();
    // Scaled mode: live fan-out across hubs and workflow runs on BullMQ workers (docs/scaling.md).
    if (args.redis) args.config.redisUrl = args.redis;
    // Scaled mode: spans, runs and the change feed in PostgreSQL shared by several hubs (docs/scaling.md).
    if (args.db) {
      if (!/^postgres(ql)?:\/\//i.test(args.db)) throw new UsageError('--db: expected a postgres:// (or postgresql://) URL');
      args.config.dbUrl = args.db;
    }
    const host = args.config.host ?? '127.0.0.1';
    if (!isLoopback(host) && !args.config.token) {
      throw new UsageError(
        `refusing to bind ${host} without a token: anyone who can reach it could read your data. ` +
          'Set --token (or RUNTIME_HUB_TOKEN), or bind 127.0.0.1.',
      );
    }
    // Loaded here, not at the top: other commands (`hook` above all) must start without the server.
    const { createHub } = await import('../server.js');
    const hub = await createHub({ webRoot: DEFAULT_WEB_ROOT, ...args.config });
    const url = await hub.listen();
    // Tests and scripts read this line to learn the port; keep its format.
    process.stdout.write(`runtime-hub listening on ${url}\n`);
    hub.app.log.info({ version: HUB_VERSION, url, data: hub.ctx.config.dataDir, store: hub.ctx.store.kind }, 'hub started');

    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          hub.app.log.warn({ signal }, 'second signal: exiting at once');
          process.exit(1);
        }
        stopping = true;
        hub.app.log.info({ signal }, 'shutting down');
        hub.close().then(resolve, (error: unknown) => {
          hub.app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
