import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import { registerDeployments } from '../deploy/register.js';
import type { WorkflowService } from '../workflows/workflow-service.js';
import { registerExportRoutes } from './export-routes.js';

/**
 * Export and deploy (issue 13): a project as a runnable app (export routes), and the
 * deployments, versions and health of each project (deploy/). Registered inside the workflow
 * feature, which owns the projects.
 */
export async function registerProjectDelivery(app: FastifyInstance, service: WorkflowService, ctx: HubContext): Promise<void> {
  registerExportRoutes(app, service);
  await registerDeployments(app, service, ctx);
}
