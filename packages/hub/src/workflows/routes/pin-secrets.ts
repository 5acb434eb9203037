import { secretsInPins } from '@runtime-hub/engine';
import type { ValidationIssue } from '@runtime-hub/engine';
import { WorkflowApiError } from '../http-errors.js';
import type { WorkflowService } from '../workflow-service.js';

/**
 * Pinned outputs are stored in clear in the workflow file and its versions, so a body whose pins
 * hold one of the project's secret values (or its base64) is refused. The engine's validator
 * cannot see secrets; the hub can. Issues name the secret, never its value.
 */
export function pinSecretIssues(service: WorkflowService, project: string, body: unknown): ValidationIssue[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  const pins = (body as { pinned?: unknown }).pinned;
  if (pins === null || typeof pins !== 'object' || Array.isArray(pins)) return [];
  return secretsInPins(pins as Record<string, unknown>, service.vault.values(project));
}

/** Throws 400 WORKFLOW_INVALID when a pin holds a secret value. */
export function refusePinnedSecrets(service: WorkflowService, project: string, body: unknown): void {
  const issues = pinSecretIssues(service, project, body);
  if (issues.length > 0) throw new WorkflowApiError('WORKFLOW_INVALID', issues[0]!.message, { issues });
}
