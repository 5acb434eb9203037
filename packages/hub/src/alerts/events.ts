import type { DeploymentHealthEvent } from '../deploy/health-events.js';

/** A deployment's health as the deployment_down rule sees it. */
export interface DeploymentHealth {
  /** `<project>/<target>`: what a rule's `deployment` names (or just `<project>`, for any of its targets). */
  deployment: string;
  project: string;
  /** Down is unhealthy; degraded (slow) still answers and is healthy here. */
  healthy: boolean;
  /** Why, in a few words; shown in notifications as text. */
  message?: string;
  url?: string;
}

/**
 * The deployments feature checks each target's /health and emits every result through
 * `onDeploymentHealth(ctx, …)` (deploy/health-events.ts); this turns one into what the rule reads.
 */
export function deploymentHealthOf(event: DeploymentHealthEvent): DeploymentHealth {
  return {
    deployment: `${event.project}/${event.target}`,
    project: event.project,
    healthy: event.status !== 'down',
    message: event.error ?? `health check: ${event.status}`,
    ...(event.url ? { url: event.url } : {}),
  };
}
