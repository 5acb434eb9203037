import type { TemplateNeed, WorkflowTemplate } from './template-types.js';

const HUB = '{hub}';

/** What every template that sends mail asks for. */
const SMTP_ENV: TemplateNeed[] = [
  { name: 'SMTP_HOST', help: 'Your SMTP server.', default: '127.0.0.1' },
  { name: 'SMTP_PORT', help: '587 (STARTTLS), 465 (TLS) or 25/1025 (a local relay).', default: '587' },
  { name: 'SMTP_USER', help: 'The login.' },
  { name: 'MAIL_FROM', help: 'The sender, e.g. "Sales" <sales@example.com>.' },
];
const SMTP_SECRETS: TemplateNeed[] = [{ name: 'SMTP_PASSWORD', help: 'The SMTP password; stored encrypted, never shown again.' }];
const smtp = { host: '{{ env.SMTP_HOST }}', port: '{{ env.SMTP_PORT | number }}', user: '{{ env.SMTP_USER }}', password: '{{ secrets.SMTP_PASSWORD }}', from: '{{ env.MAIL_FROM }}' };

/** Templates with e-mail, LLM calls and durable waits. */
export const FLOW_TEMPLATES: WorkflowTemplate[] = [
  {
    id: 'lead-sequence',
    name: 'Lead follow-up sequence',
    category: 'sales',
    tags: ['email', 'wait', 'follow-up', 'lead generation', 'sales', 'sequence', 'condition'],
    description: 'Seed 003\'s sequence: send an intro e-mail → wait (48 h by default, durable across restarts) → ask your CRM whether the lead replied → if not, send a follow-up.',
    needs: {
      secrets: SMTP_SECRETS,
      env: [...SMTP_ENV, { name: 'LEAD_STATUS_URL', help: 'GET <url>?email=… answers { "replied": true|false } (your CRM or a small workflow).', default: `${HUB}/api/health` }],
    },
    sampleInput: { name: 'Ada', email: 'ada@example.org', followUpAfter: '1s' },
    workflow: {
      id: 'lead-sequence',
      name: 'Lead sequence',
      visibility: 'internal',
      trigger: { type: 'manual' },
      nodes: [
        { id: 'start', type: 'trigger', name: 'New lead', config: {} },
        { id: 'intro', type: 'email', name: 'Intro e-mail', config: { ...smtp, to: '{{ trigger.body.email }}', subject: 'Nice to meet you, {{ trigger.body.name }}', text: 'Hi {{ trigger.body.name }},\n\nthanks for your interest. Shall we talk this week?' } },
        { id: 'wait', type: 'wait', name: 'Wait', config: { mode: 'duration', duration: "{{ trigger.body.followUpAfter | default('48h') }}" } },
        { id: 'status', type: 'http', name: 'Replied?', config: { url: '{{ env.LEAD_STATUS_URL }}', query: { email: '{{ trigger.body.email }}' }, failOnStatus: false } },
        { id: 'replied', type: 'condition', name: 'Replied?', config: { mode: 'if', condition: '{{ input.body.replied == true }}' } },
        { id: 'done', type: 'set', name: 'Replied', config: { fields: { followedUp: false } } },
        { id: 'followup', type: 'email', name: 'Follow-up e-mail', config: { ...smtp, to: '{{ trigger.body.email }}', subject: 'Following up, {{ trigger.body.name }}', text: 'Hi {{ trigger.body.name }},\n\njust checking in — is now a better time?' } },
      ],
      edges: [
        { source: 'start', target: 'intro' },
        { source: 'intro', target: 'wait' },
        { source: 'wait', target: 'status' },
        { source: 'status', target: 'replied' },
        { source: 'replied', sourceOutput: 'true', target: 'done' },
        { source: 'replied', sourceOutput: 'false', target: 'followup' },
      ],
    },
  },
  {
    id: 'form-to-email',
    name: 'Form submission by e-mail',
    category: 'integration',
    tags: ['webhook', 'form', 'email', 'notification'],
    description: 'A public POST endpoint for a web form that e-mails each submission to you and answers the browser at once.',
    needs: { secrets: SMTP_SECRETS, env: [...SMTP_ENV, { name: 'MAIL_TO', help: 'Where submissions go.' }] },
    sampleInput: { name: 'Ada', message: 'Hello!' },
    workflow: {
      id: 'form-mail',
      name: 'Form to e-mail',
      visibility: 'public',
      endpoint: { method: 'POST', path: '/form' },
      trigger: { type: 'webhook' },
      nodes: [
        { id: 'start', type: 'trigger', name: 'Form post', config: {} },
        { id: 'thanks', type: 'respond', name: 'Thanks', config: { status: 200, body: { ok: true } } },
        { id: 'mail', type: 'email', name: 'Mail it', config: { ...smtp, to: '{{ env.MAIL_TO }}', subject: 'Form: {{ trigger.body.name | default("anonymous") }}', text: '{{ trigger.body | json }}' } },
      ],
      edges: [
        { source: 'start', target: 'thanks' },
        { source: 'thanks', target: 'mail' },
      ],
    },
  },
  {
    id: 'daily-error-digest',
    name: 'Daily error digest by e-mail',
    category: 'monitoring',
    tags: ['cron', 'schedule', 'email', 'errors', 'digest', 'report', 'monitoring'],
    description: 'Every morning at 09:00 (Europe/Zurich): reads the hub\'s error groups of the last day and mails a digest.',
    needs: { secrets: SMTP_SECRETS, env: [...SMTP_ENV, { name: 'MAIL_TO', help: 'Who gets the digest.' }, { name: 'HUB_URL', help: 'This hub.', default: HUB }] },
    sampleInput: {},
    workflow: {
      id: 'error-digest',
      name: 'Error digest',
      visibility: 'internal',
      trigger: { type: 'cron', expression: '0 9 * * *', timezone: 'Europe/Zurich', missed: 'run-once' },
      nodes: [
        { id: 'start', type: 'trigger', name: 'Daily 09:00', config: {} },
        { id: 'errors', type: 'http', name: 'Error groups', config: { url: '{{ env.HUB_URL }}/api/v1/errors', query: { limit: '20' } } },
        { id: 'mail', type: 'email', name: 'Digest', config: { ...smtp, to: '{{ env.MAIL_TO }}', subject: 'Errors today: {{ input.body.groups | default([]) | length }}', text: "{{ input.body.groups | default([]) | map('message') | join('\\n') }}" } },
      ],
      edges: [
        { source: 'start', target: 'errors' },
        { source: 'errors', target: 'mail' },
      ],
    },
  },
  {
    id: 'llm-summary',
    name: 'LLM summary of a webhook body',
    category: 'ai',
    tags: ['llm', 'ai', 'summary', 'webhook', 'openai', 'anthropic'],
    description: 'A public endpoint that asks an LLM (OpenAI, Anthropic or any OpenAI-compatible server such as Ollama or vLLM on this machine) to summarize the posted text and answers the summary.',
    needs: {
      secrets: [{ name: 'LLM_API_KEY', help: 'The provider\'s API key (any text for a local server without keys).' }],
      env: [
        { name: 'LLM_BASE_URL', help: 'Empty for api.openai.com; e.g. http://127.0.0.1:11434/v1 for Ollama.', default: 'http://127.0.0.1:11434/v1' },
        { name: 'LLM_MODEL', help: 'The model.', default: 'llama3.2' },
      ],
    },
    sampleInput: { text: 'The hub stores spans, runs workflows and shows both live.' },
    workflow: {
      id: 'summarize',
      name: 'Summarize',
      visibility: 'public',
      endpoint: { method: 'POST', path: '/summarize' },
      trigger: { type: 'webhook' },
      nodes: [
        { id: 'start', type: 'trigger', name: 'Webhook', config: {} },
        { id: 'llm', type: 'llm', name: 'Summarize', config: { provider: 'openai', baseUrl: '{{ env.LLM_BASE_URL }}', model: '{{ env.LLM_MODEL }}', apiKey: '{{ secrets.LLM_API_KEY }}', system: 'Summarize in one sentence.', prompt: '{{ trigger.body.text | default(trigger.body | json) }}', maxTokens: 200 } },
        { id: 'answer', type: 'respond', name: 'Answer', config: { body: { summary: '{{ input.text }}', model: '{{ input.model }}' } } },
      ],
      edges: [
        { source: 'start', target: 'llm' },
        { source: 'llm', target: 'answer' },
      ],
    },
  },
  {
    id: 'approval-wait',
    name: 'Approval with a durable wait',
    category: 'approvals',
    tags: ['approval', 'wait', 'human in the loop', 'notification', 'condition', 'durable'],
    description: 'Posts an approval request to a chat webhook, waits (durably: a restart keeps the wait), then reads the decision from a URL and takes the approved or rejected branch.',
    needs: {
      secrets: [{ name: 'APPROVAL_WEBHOOK_URL', help: 'A Slack-compatible incoming-webhook URL for the request.' }],
      env: [{ name: 'DECISION_URL', help: 'GET <url>?request=… answers { "approved": true|false }.', default: `${HUB}/api/health` }],
    },
    sampleInput: { request: 'Deploy v2.3 to production', waitFor: '1s' },
    workflow: {
      id: 'approval',
      name: 'Approval',
      visibility: 'internal',
      trigger: { type: 'manual' },
      nodes: [
        { id: 'start', type: 'trigger', name: 'Request', config: {} },
        { id: 'ask', type: 'notification', name: 'Ask for approval', config: { url: '{{ secrets.APPROVAL_WEBHOOK_URL }}', title: 'Approval needed', text: '{{ trigger.body.request }} (run {{ run.id }})' } },
        { id: 'wait', type: 'wait', name: 'Wait for a decision', config: { mode: 'duration', duration: "{{ trigger.body.waitFor | default('4h') }}" } },
        { id: 'decision', type: 'http', name: 'Read decision', config: { url: '{{ env.DECISION_URL }}', query: { request: '{{ run.id }}' }, failOnStatus: false } },
        { id: 'approved', type: 'condition', name: 'Approved?', config: { mode: 'if', condition: '{{ input.body.approved == true }}' } },
        { id: 'go', type: 'set', name: 'Approved', config: { fields: { approved: true, request: '{{ trigger.body.request }}' } } },
        { id: 'stop', type: 'set', name: 'Rejected', config: { fields: { approved: false, request: '{{ trigger.body.request }}' } } },
      ],
      edges: [
        { source: 'start', target: 'ask' },
        { source: 'ask', target: 'wait' },
        { source: 'wait', target: 'decision' },
        { source: 'decision', target: 'approved' },
        { source: 'approved', sourceOutput: 'true', target: 'go' },
        { source: 'approved', sourceOutput: 'false', target: 'stop' },
      ],
    },
  },
  {
    id: 'webhook-to-chat',
    name: 'Webhook to chat message',
    category: 'integration',
    tags: ['webhook', 'slack', 'notification', 'chat', 'integration'],
    description: 'A public endpoint that turns any posted event into a chat message (Slack, Mattermost, Discord /slack).',
    needs: { secrets: [{ name: 'CHAT_WEBHOOK_URL', help: 'The incoming-webhook URL.' }], env: [] },
    sampleInput: { event: 'deploy', service: 'api', status: 'ok' },
    workflow: {
      id: 'to-chat',
      name: 'Webhook to chat',
      visibility: 'public',
      endpoint: { method: 'POST', path: '/to-chat' },
      trigger: { type: 'webhook' },
      nodes: [
        { id: 'start', type: 'trigger', name: 'Webhook', config: {} },
        { id: 'post', type: 'notification', name: 'Post', config: { url: '{{ secrets.CHAT_WEBHOOK_URL }}', title: "{{ trigger.body.event | default('event') }}", text: '```{{ trigger.body | json }}```' } },
      ],
      edges: [{ source: 'start', target: 'post' }],
    },
  },
  {
    id: 'scheduled-report',
    name: 'Scheduled report through an internal workflow',
    category: 'operations',
    tags: ['cron', 'schedule', 'workflow call', 'report', 'internal'],
    description: 'Every Monday at 08:00 calls an internal workflow that builds a report of the projects on this hub, and keeps the result in the run history.',
    needs: { secrets: [], env: [{ name: 'HUB_URL', help: 'This hub.', default: HUB }] },
    sampleInput: {},
    workflow: {
      id: 'weekly-report',
      name: 'Weekly report',
      visibility: 'internal',
      trigger: { type: 'cron', expression: '0 8 * * 1', timezone: 'UTC', missed: 'run-once' },
      nodes: [
        { id: 'start', type: 'trigger', name: 'Mondays 08:00', config: {} },
        { id: 'build', type: 'workflow', name: 'Build report', config: { mode: 'local', workflow: 'report-builder', input: {} } },
        { id: 'keep', type: 'set', name: 'Result', config: { fields: { report: '{{ input }}' } } },
      ],
      edges: [
        { source: 'start', target: 'build' },
        { source: 'build', target: 'keep' },
      ],
    },
    companions: [
      {
        id: 'report-builder',
        name: 'Report builder (internal)',
        visibility: 'internal',
        trigger: { type: 'manual' },
        nodes: [
          { id: 'start', type: 'trigger', name: 'Called', config: {} },
          { id: 'projects', type: 'http', name: 'Projects', config: { url: '{{ env.HUB_URL }}/api/v1/projects' } },
          { id: 'report', type: 'set', name: 'Report', config: { fields: { projects: '{{ input.body.projects | length }}', names: "{{ input.body.projects | map('name') }}" } } },
        ],
        edges: [
          { source: 'start', target: 'projects' },
          { source: 'projects', target: 'report' },
        ],
      },
    ],
  },
];
