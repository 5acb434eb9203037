import type { HubContext } from '../context.js';

/** A deployment's health as its owner sees it: what the deployment_down rule watches. */
export interface DeploymentHealth {
  /** The deployment's name, as rules name it. */
  deployment: string;
  healthy: boolean;
  /** Why, in a few words ("health check answered 502"). Shown in notifications as text. */
  message?: string;
  /** Where it is served, for the notification. */
  url?: string;
}

export interface DeploymentHealthSource {
  /** Reports the current health; repeating the same state is cheap and changes nothing. */
  report(event: DeploymentHealth): void;
}

type Listener = (event: DeploymentHealth) => void;
const listeners = new WeakMap<HubContext, Listener[]>();

/**
 * The typed event source for deployment health. The code that runs deployments calls
 * `deploymentHealth(ctx).report({ deployment, healthy, message })` whenever a health check
 * changes or runs; the alerts feature listens. Either side may start first.
 */
export function deploymentHealth(ctx: HubContext): DeploymentHealthSource {
  return {
    report(event) {
      for (const listener of listeners.get(ctx) ?? []) listener(event);
    },
  };
}

/** The alerts side: receives every report made through `deploymentHealth(ctx)`. */
export function onDeploymentHealth(ctx: HubContext, listener: Listener): void {
  listeners.set(ctx, [...(listeners.get(ctx) ?? []), listener]);
}
