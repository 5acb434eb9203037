// Runs a bash script if it exists, so `npm test` keeps working while a part of the tree is absent.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const [script, ...args] = process.argv.slice(2);
if (!script || !existsSync(script)) {
  console.log(`skipping ${script ?? '(none)'}: not present in this checkout`);
  process.exit(0);
}
const result = spawnSync('bash', [script, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
