import type { ProjectDefinition } from '@runtime-hub/protocol';
import type { ExportLanguage, GeneratedFile } from './types.js';

/**
 * Files that ship an app to a platform: the Dockerfile of each language, and the configs of
 * Railway, Fly.io and Render (all build the Dockerfile and check /health). Secrets appear by name
 * only; their values are set on the platform.
 */

const PYTHON_DOCKERFILE = `# Builds the exported app: docker build -t APP . && docker run -p 8080:8080 --env-file .env APP
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORT=8080
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system --home /app app && chown -R app /app
USER app
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8080'), timeout=4)"
CMD ["sh", "-c", "exec uvicorn main:app --host 0.0.0.0 --port \${PORT:-8080} --proxy-headers"]
`;

const TYPESCRIPT_DOCKERFILE = `# Builds the exported app: docker build -t APP . && docker run -p 8080:8080 --env-file .env APP
FROM node:20-slim AS build
WORKDIR /app
COPY package.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/server.js"]
`;

function railway(): string {
  return `${JSON.stringify(
    {
      $schema: 'https://railway.com/railway.schema.json',
      build: { builder: 'DOCKERFILE', dockerfilePath: 'Dockerfile' },
      deploy: { healthcheckPath: '/health', healthcheckTimeout: 30, restartPolicyType: 'ON_FAILURE', restartPolicyMaxRetries: 5 },
    },
    null,
    2,
  )}\n`;
}

function fly(project: ProjectDefinition): string {
  return `# fly launch --no-deploy --copy-config && fly secrets set NAME=value … && fly deploy
app = "${project.id}"
primary_region = "fra"

[build]
  dockerfile = "Dockerfile"

[env]
  PORT = "8080"

[http_service]
  internal_port = 8080
  force_https = true
  auto_stop_machines = "stop"
  auto_start_machines = true
  min_machines_running = 0

  [[http_service.checks]]
    grace_period = "10s"
    interval = "30s"
    method = "GET"
    path = "/health"
    timeout = "5s"
`;
}

function render(project: ProjectDefinition, secretNames: string[]): string {
  const env = [...Object.keys(project.env), ...secretNames];
  const lines = [
    '# Render blueprint: New → Blueprint → this repository. Secrets (sync: false) are asked for on creation.',
    'services:',
    '  - type: web',
    `    name: ${project.id}`,
    '    runtime: docker',
    '    dockerfilePath: ./Dockerfile',
    '    healthCheckPath: /health',
    '    envVars:',
    '      - key: PORT',
    '        value: "8080"',
    ...env.map((name) => (secretNames.includes(name) ? `      - key: ${name}\n        sync: false` : `      - key: ${name}\n        value: ${JSON.stringify(project.env[name])}`)),
  ];
  return `${lines.join('\n')}\n`;
}

function envExample(project: ProjectDefinition, secretNames: string[]): string {
  const lines = ['# Copy to .env (or set these on your platform). The app reads them from its environment.', 'PORT=8080', ''];
  const names = Object.keys(project.env);
  if (names.length > 0) {
    lines.push('# Project variables ({{ env.NAME }}); the values are the project\'s defaults.');
    for (const name of names) lines.push(`${name}=${JSON.stringify(project.env[name])}`);
    lines.push('');
  }
  if (secretNames.length > 0) {
    lines.push('# Secrets ({{ secrets.NAME }}): set their values here or on your platform; they are never exported.');
    for (const name of secretNames) lines.push(`${name}=`);
    lines.push('');
  }
  lines.push('# Optional: send every run to a runtime-hub as spans (needs the runtime-hub SDK for Python apps).');
  lines.push('# RUNTIME_HUB_URL=http://127.0.0.1:8765');
  lines.push('# RUNTIME_HUB_SERVICE=' + project.id);
  return `${lines.join('\n')}\n`;
}

export function platformFiles(language: ExportLanguage, project: ProjectDefinition, secretNames: string[]): GeneratedFile[] {
  const ignore = language === 'python' ? ['.env', '.venv/', '__pycache__/', '*.pyc'] : ['.env', 'node_modules/', 'dist/'];
  return [
    { path: 'Dockerfile', content: language === 'python' ? PYTHON_DOCKERFILE : TYPESCRIPT_DOCKERFILE },
    { path: '.dockerignore', content: `${[...ignore, '.git/'].join('\n')}\n` },
    { path: '.gitignore', content: `${ignore.join('\n')}\n` },
    { path: '.env.example', content: envExample(project, secretNames) },
    { path: 'railway.json', content: railway() },
    { path: 'fly.toml', content: fly(project) },
    { path: 'render.yaml', content: render(project, secretNames) },
  ];
}

/** How to ship the app to each platform, for the README and the hub's deploy targets. */
export const PLATFORM_COMMANDS: Record<string, string[]> = {
  docker: ['docker build -t APP .', 'docker run --rm -p 8080:8080 --env-file .env APP'],
  railway: ['railway init', 'railway variables --set NAME=value', 'railway up'],
  fly: ['fly launch --no-deploy --copy-config', 'fly secrets set NAME=value', 'fly deploy'],
  render: ['git push (Render builds render.yaml as a Blueprint)'],
  'cloud-run': ['gcloud run deploy APP --source . --port 8080 --set-env-vars NAME=value'],
};
