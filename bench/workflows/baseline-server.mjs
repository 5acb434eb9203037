// The baseline of bench/workflows: the least a server can do for one "execution" of the
// webhook → set → respond workflow with every step persisted — parse the JSON request, write
// the same rows (one run, three steps, the run again at the end) to SQLite with the hub's own
// workflow schema, answer once committed — with no engine in between. Like the hub's run store
// it group-commits: the requests of one event-loop turn share a transaction. Started as a child
// process, like the hub, so both sides get the same machine.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { setImmediate } from 'node:timers';
import Fastify from 'fastify';
import { WORKFLOW_SCHEMA } from '../../packages/hub/dist/workflows/store/schema.js';

const dataDir = process.argv[2];
const db = new Database(join(dataDir, 'baseline.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(WORKFLOW_SCHEMA);
const upsertRun = db.prepare(
  `INSERT INTO runs (id, project, workflow, status, created_at, record) VALUES (?, ?, ?, ?, ?, ?)
   ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record`,
);
const upsertStep = db.prepare(
  `INSERT INTO steps (run_id, node_id, visit, attempt, record) VALUES (?, ?, ?, ?, ?)
   ON CONFLICT (run_id, node_id, visit, attempt) DO UPDATE SET record = excluded.record`,
);
const writeOne = (body) => {
  const id = randomBytes(16).toString('hex');
  const now = Date.now();
  const run = { id, project: 'bench', workflow: 'greet', version: 1, status: 'running', trigger: { type: 'webhook', body }, createdAt: now, startedAt: now };
  upsertRun.run(id, 'bench', 'greet', 'running', now, JSON.stringify(run));
  const message = `Hello, ${body?.name}!`;
  const outputs = { start: run.trigger, hello: { message }, answer: { message } };
  for (const [seq, node] of ['start', 'hello', 'answer'].entries()) {
    const step = { runId: id, nodeId: node, visit: 1, attempt: 1, status: 'succeeded', output: outputs[node], startedAt: now, endedAt: now, seq: seq + 1 };
    upsertStep.run(id, node, 1, 1, JSON.stringify(step));
  }
  upsertRun.run(id, 'bench', 'greet', 'succeeded', now, JSON.stringify({ ...run, status: 'succeeded', output: { message }, endedAt: Date.now() }));
  return { message };
};
const writeAll = db.transaction((bodies) => bodies.map(writeOne));
let pending = [];
const execute = (body) =>
  new Promise((resolve) => {
    pending.push({ body, resolve });
    if (pending.length > 1) return;
    setImmediate(() => {
      const batch = pending;
      pending = [];
      const results = writeAll(batch.map((p) => p.body));
      batch.forEach((p, i) => p.resolve(results[i]));
    });
  });

const app = Fastify({ logger: false });
app.post('/greet', (request) => execute(request.body));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`baseline listening on ${address}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
