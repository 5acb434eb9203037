import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serveRequests } from '../../threads/serve.js';
import { RollupDb } from './rollup-db.js';

/**
 * The analytics thread: owns `<data>/analytics.sqlite`, a file apart from the spans database, so
 * rollup writes never queue behind (or ahead of) span writes and queries never run on the event loop.
 */
const { file } = workerData as { file: string };
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
const rollups = new RollupDb(db);

export type RollupRequest =
  | { id: number; op: 'add'; args: Parameters<RollupDb['add']> }
  | { id: number; op: 'prune'; args: Parameters<RollupDb['prune']> }
  | { id: number; op: 'series'; args: Parameters<RollupDb['series']> }
  | { id: number; op: 'breakdown'; args: Parameters<RollupDb['breakdown']> }
  | { id: number; op: 'totals'; args: Parameters<RollupDb['totals']> }
  | { id: number; op: 'close'; args: [] };

serveRequests((request: RollupRequest) => {
  switch (request.op) {
    case 'add':
      return rollups.add(...request.args);
    case 'prune':
      return rollups.prune(...request.args);
    case 'series':
      return rollups.series(...request.args);
    case 'breakdown':
      return rollups.breakdown(...request.args);
    case 'totals':
      return rollups.totals(...request.args);
    case 'close':
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      return undefined;
  }
});
