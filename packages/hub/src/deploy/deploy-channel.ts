import type { ErrorCode } from '@runtime-hub/protocol';
import type { HealthCheck } from './deploy-store.js';

/**
 * How hubs reach the owner of a deployment (scaled mode): a request asked on any hub — stop,
 * restart, deploy, rollback, check — goes to the hub that runs the app, and its answer comes back.
 * Health events stay with the hub that checked (the alerts' leader collects them: alerts/).
 * PostgreSQL LISTEN/NOTIFY implements it (postgres-deploy-channel.ts); one hub alone needs none.
 */
export type DeployOp = 'stop' | 'restart' | 'deploy' | 'rollback' | 'check';

export interface DeployCommand {
  op: DeployOp;
  project: string;
  target: string;
  /** deploy: a commit hash (default: the folder as it is now). */
  version?: string;
  /** rollback: the earlier deployment whose version to deploy again. */
  deployment?: string;
}

/** What the hub that did (or refused) it says. Records stay in the store: the answer names them. */
export interface DeployAnswer {
  /** The hub that carried the request out. */
  hub: string;
  /** The deployment the request made or changed. */
  deployment?: string;
  check?: HealthCheck | null;
  error?: { code: ErrorCode; message: string };
}

export interface DeployChannel {
  /** Sends a command to hub `to`; resolves with its answer, rejects once `signal` aborts. */
  ask(to: string, command: DeployCommand, signal: AbortSignal): Promise<DeployAnswer>;
  /** Serves the commands other hubs send to this one. */
  serve(handler: (command: DeployCommand, from: string) => Promise<DeployAnswer>): void;
  close(): Promise<void>;
}
