import type { HubContext } from '../context.js';
import type { HealthStatus } from './deploy-store.js';

/**
 * Health of deployed apps as events, for alert rules ("deployment down") and anything else that
 * wants to hear: `onDeploymentHealth(ctx, listener)` is called after every check with the new
 * status and the previous one (`changed` says whether it differs). Per hub (keyed by its context).
 */
export interface DeploymentHealthEvent {
  project: string;
  target: string;
  deployment: string;
  url: string | null;
  status: HealthStatus;
  previous: HealthStatus | null;
  changed: boolean;
  at: number;
  responseMs: number | null;
  error: string | null;
}

export type DeploymentHealthListener = (event: DeploymentHealthEvent) => void;

const listeners = new WeakMap<object, Set<DeploymentHealthListener>>();

export function onDeploymentHealth(ctx: Pick<HubContext, 'config'>, listener: DeploymentHealthListener): () => void {
  let set = listeners.get(ctx.config);
  if (!set) listeners.set(ctx.config, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

export function emitDeploymentHealth(ctx: Pick<HubContext, 'config' | 'log'>, event: DeploymentHealthEvent): void {
  for (const listener of listeners.get(ctx.config) ?? []) {
    try {
      listener(event);
    } catch (error) {
      ctx.log.warn({ error: (error as Error).message }, 'deployments: a health listener failed');
    }
  }
}
