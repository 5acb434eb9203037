import type { FastifyInstance } from 'fastify';
import type { WorkflowService } from '../workflows/workflow-service.js';
import { exportFromHub, parseLanguage, zipFiles } from './project-export.js';

/**
 * GET /api/v1/projects/:project/export?language=python|typescript[&format=zip]
 * → `{ project, language, files: [{ path, content, bytes }], warnings }`, or the same files as a zip
 * download. A node the language cannot run → 422 EXPORT_REFUSED with `details.problems`.
 */
export function registerExportRoutes(app: FastifyInstance, service: WorkflowService): void {
  const schema = { tags: ['export'], summary: 'A project as a runnable Python (FastAPI) or TypeScript (Fastify) app: its files, or a zip' };
  app.get('/api/v1/projects/:project/export', { schema }, async (request, reply) => {
    const { project } = request.params as { project: string };
    const query = request.query as { language?: string; format?: string };
    const language = parseLanguage(query.language);
    const result = exportFromHub(service, project, language);
    if (query.format === 'zip') {
      const folder = `${project}-${language}`;
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="${folder}.zip"`)
        .send(Buffer.from(zipFiles(folder, result.files)));
    }
    return {
      project,
      language,
      files: result.files.map((f) => ({ path: f.path, content: f.content, bytes: Buffer.byteLength(f.content) })),
      warnings: result.warnings,
    };
  });
}
