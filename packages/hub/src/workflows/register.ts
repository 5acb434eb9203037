import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import { sendWorkflowError } from './http-errors.js';
import { registerCatalogRoutes } from './routes/catalog-routes.js';
import { registerProjectRoutes } from './routes/project-routes.js';
import { registerPublicRoutes } from './routes/public-routes.js';
import { registerRunRoutes } from './routes/run-routes.js';
import { registerSecretRoutes } from './routes/secret-routes.js';
import { registerPreviewRoutes } from './routes/preview-routes.js';
import { registerValidateRoutes } from './routes/validate-routes.js';
import { registerVersionRoutes } from './routes/version-routes.js';
import { registerWorkflowRoutes } from './routes/workflow-routes.js';
import { registerMetricsRoutes } from './metrics/metrics-routes.js';
import { officialLlmClients } from '@runtime-hub/engine/node';
import { registerAssistRoutes } from './assist/assist-routes.js';
import { openAssistProvider } from './assist/open-assist.js';
import { registerScheduleRoutes } from './schedules/schedule-routes.js';
import { registerTemplateRoutes } from './templates/template-routes.js';
import { WorkflowService } from './workflow-service.js';
import { registerProjectDelivery } from '../export/register.js';

/**
 * The workflow feature: projects, workflows, secrets, runs and public endpoints over HTTP
 * (DESIGN.md §3), the durable engine behind them, and cron schedules. Runs interrupted by a
 * crash resume once the hub is ready.
 */
export async function registerWorkflows(app: FastifyInstance, ctx: HubContext): Promise<void> {
  // --redis: runs go to BullMQ workers (docs/scaling.md); the embedded engine otherwise.
  // Loaded only for --redis: the embedded mode does not carry BullMQ and ioredis in memory.
  const scaled = ctx.config.redisUrl ? await (await import('../scaled/scaled-hub-workflows.js')).ScaledHubWorkflows.open({ redisUrl: ctx.config.redisUrl, dbUrl: ctx.config.dbUrl, dataDir: ctx.config.dataDir }, ctx.log) : undefined;
  const service = new WorkflowService(ctx, scaled?.options);
  await service.load();
  await app.register(async (scope) => {
    scope.setErrorHandler((error, _request, reply) => {
      if (sendWorkflowError(reply, error)) return;
      throw error;
    });
    registerProjectRoutes(scope, service);
    registerWorkflowRoutes(scope, service);
    registerRunRoutes(scope, service);
    registerSecretRoutes(scope, service);
    registerCatalogRoutes(scope, service);
    registerVersionRoutes(scope, service);
    registerValidateRoutes(scope, service);
    registerPreviewRoutes(scope, service);
    scaled?.registerRoutes(scope); // /api/v1/queue/dead-letters (scaled mode)
    registerMetricsRoutes(scope, service.metrics);
    registerScheduleRoutes(scope, service);
    registerAssistRoutes(scope, service, await openAssistProvider(ctx), officialLlmClients());
    registerTemplateRoutes(scope, service, service.templateUses);
    await registerProjectDelivery(scope, service, ctx); // export as an app, deployments, versions, health (issue 13)
    await registerPublicRoutes(scope, service);
  });
  app.addHook('onReady', async () => {
    // Not awaited: the socket binds while interrupted runs resume.
    (scaled ? scaled.attach(service) : Promise.resolve()).then(() => service.start()).catch((error: unknown) => ctx.log.error({ error: (error as Error).message }, 'workflows: could not resume runs'));
  });
  ctx.onClose(async () => {
    await service.stop();
    await scaled?.close();
  });
}
