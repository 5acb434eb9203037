// A built hub serving the dashboard from another folder than packages/web/dist, so the studio
// benchmark can measure an earlier build of the dashboard (`run.mjs --web <dir>`) while other work
// keeps using packages/web/dist. Prints the CLI's own "listening" line; stops on SIGTERM.
//
//   node bench/studio/web-hub.mjs <web folder> <data folder>
import { createHub } from '../../packages/hub/dist/server.js';

const [webRoot, dataDir] = process.argv.slice(2);
const hub = await createHub({ webRoot, dataDir, port: 0, logLevel: 'warn' });
const url = await hub.listen();
process.stdout.write(`runtime-hub listening on ${url}\n`);
process.once('SIGTERM', () => void hub.close().then(() => process.exit(0)));
