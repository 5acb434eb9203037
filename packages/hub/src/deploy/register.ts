import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import type { WorkflowService } from '../workflows/workflow-service.js';

/** Deployment targets, deploys, rollbacks, versions and health checks of each project. */
export async function registerDeployments(_app: FastifyInstance, _service: WorkflowService, _ctx: HubContext): Promise<void> {
  // Filled in by deploy-routes.ts.
}
