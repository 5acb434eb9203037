import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseStartArgs, START_OPTIONS } from '../cli/args.js';
import { parseWorkerArgs, WORKER_OPTIONS } from '../cli/worker-command.js';
import { SECRET_KEY_ENV } from '../workflows/secrets/secret-key.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}

const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8')) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
const hubs = services.filter(([, s]) => s.command?.[0] === 'start');
const workers = services.filter(([, s]) => s.command?.[0] === 'worker');
/** `${VAR:?message}` stands for a value the operator sets. */
const envOf = (service: Service): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v.startsWith('${') ? 'set-by-operator' : v]));
const flagsOf = (command: string[]): string[] => command.filter((arg) => arg.startsWith('--')).map((arg) => arg.slice(2).split('=')[0]!);

describe('docker-compose.yml (scaled mode)', () => {
  it('has two hubs, two workers, PostgreSQL, Redis and a load balancer', () => {
    expect(hubs).toHaveLength(2);
    expect(workers).toHaveLength(2);
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
    expect(compose.services.redis?.image).toMatch(/^redis:/);
    expect(compose.services.lb?.image).toMatch(/^nginx:/);
  });

  it('gives the hubs only flags and variables `runtime-hub start` knows, and they parse', () => {
    const known = new Set(START_OPTIONS.map((o) => o.flag));
    // The secret key has no flag on purpose (a key must not show in the process list).
    const knownEnv = new Set([...START_OPTIONS.map((o) => o.env), SECRET_KEY_ENV]);
    for (const [name, hub] of hubs) {
      for (const flag of flagsOf(hub.command!)) expect(known.has(flag), `${name}: --${flag}`).toBe(true);
      for (const variable of Object.keys(hub.environment ?? {})) expect(knownEnv.has(variable), `${name}: ${variable}`).toBe(true);
      const args = parseStartArgs(hub.command!.slice(1), envOf(hub));
      expect(args.db, name).toMatch(/^postgres:\/\//);
      expect(args.redis, name).toMatch(/^redis:\/\//);
      // Bound to every interface, so a token is required: it must be there.
      expect(args.config.host).toBe('0.0.0.0');
      expect(args.config.token, name).toBeTruthy();
    }
  });

  it('gives the workers only flags and variables `runtime-hub worker` knows, and they parse', () => {
    const known = new Set<string>(WORKER_OPTIONS.map((o) => o.flag));
    const knownEnv = new Set<string>([...WORKER_OPTIONS.map((o) => o.env), SECRET_KEY_ENV]);
    for (const [name, worker] of workers) {
      for (const flag of flagsOf(worker.command!)) expect(known.has(flag), `${name}: --${flag}`).toBe(true);
      for (const variable of Object.keys(worker.environment ?? {})) expect(knownEnv.has(variable), `${name}: ${variable}`).toBe(true);
      const args = parseWorkerArgs(worker.command!.slice(1), envOf(worker));
      expect(args.get('redis')).toBe(hubs[0]![1].environment!.RUNTIME_HUB_REDIS);
      // The runs are the hubs' runs: the same database.
      expect(args.get('db')).toBe(hubs[0]![1].environment!.RUNTIME_HUB_DB);
      // Spans go through the load balancer, which the hubs must answer to by that name.
      const hubUrl = new URL(args.get('hub')!);
      expect(hubUrl.hostname).toBe('lb');
      for (const [, hub] of hubs) expect(parseStartArgs(hub.command!.slice(1), envOf(hub)).config.allowedHosts).toContain('lb');
      expect(args.number('concurrency', 1)).toBeGreaterThan(0);
    }
  });

  it('shares one data volume between the hubs only, one secret key with the workers, and balances over every hub', () => {
    const volumes = hubs.map(([, s]) => (s.volumes ?? []).find((v) => v.endsWith(':/data')));
    expect(new Set(volumes).size).toBe(1);
    expect(volumes[0]).toBeDefined();
    // Workers read projects, versions and secrets from PostgreSQL (docs/scaling.md): no shared folder.
    for (const [name, worker] of workers) expect(worker.volumes ?? [], name).toEqual([]);
    const keys = [...hubs, ...workers].map(([, s]) => s.environment?.[SECRET_KEY_ENV]);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^\$\{RUNTIME_HUB_SECRET_KEY:\?/);
    const dataDirs = [...hubs, ...workers].map(([, s]) => s.environment?.RUNTIME_HUB_DATA);
    expect(new Set(dataDirs)).toEqual(new Set(['/data']));
    const nginx = readFileSync(`${root}deploy/scaled/nginx.conf`, 'utf8');
    for (const [name] of hubs) expect(nginx).toContain(`server ${name}:8765`);
    // WebSocket upgrades for the live channel.
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
  });

  it('keeps Redis durable and never evicting (BullMQ needs both)', () => {
    const command = compose.services.redis!.command!.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });
});
