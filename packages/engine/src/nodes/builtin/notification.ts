import { toText } from '../../expr/index.js';
import type { NodeType } from '../types.js';
import { buildUrl, requireHttp, send, statusFailure } from './http-request.js';

/** Posts a Slack-compatible message to an incoming-webhook URL. */
export const notificationNode: NodeType = {
  info: {
    type: 'notification',
    name: 'Notification',
    category: 'action',
    description:
      'POSTs a Slack-compatible payload ({ text, username, icon_emoji, channel, … }) to a webhook URL: Slack, Mattermost, Rocket.Chat, Discord\'s /slack endpoint, or your own.',
    fields: [
      { name: 'url', label: 'Webhook URL', type: 'string', required: true, help: 'Keep it in a secret: {{ secrets.SLACK_WEBHOOK_URL }}' },
      { name: 'text', label: 'Text', type: 'text', required: true, help: 'The message (Slack mrkdwn).' },
      { name: 'title', label: 'Title', type: 'string', help: 'Shown in bold above the text.' },
      { name: 'username', label: 'User name', type: 'string', help: 'Overrides the webhook\'s name, where allowed.' },
      { name: 'iconEmoji', label: 'Icon emoji', type: 'string', help: 'Example: :robot_face:' },
      { name: 'channel', label: 'Channel', type: 'string', help: 'Overrides the webhook\'s channel, where allowed.' },
      { name: 'extra', label: 'Extra fields', type: 'json', help: 'Merged into the payload (blocks, attachments…).' },
      { name: 'timeoutMs', label: 'Timeout (ms)', type: 'number', default: 10_000, min: 1, max: 300_000, help: 'Time limit of the request.' },
    ],
    outputs: ['main'],
  },
  run: async ({ config, services, signal }) => {
    const http = requireHttp(services.http);
    const url = buildUrl(config.url, undefined);
    const text = config.title ? `*${toText(config.title)}*\n${toText(config.text)}` : toText(config.text);
    const payload: Record<string, unknown> = { text };
    if (config.username) payload.username = toText(config.username);
    if (config.iconEmoji) payload.icon_emoji = toText(config.iconEmoji);
    if (config.channel) payload.channel = toText(config.channel);
    if (config.extra !== null && typeof config.extra === 'object' && !Array.isArray(config.extra)) Object.assign(payload, config.extra);
    const response = await send(http, {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      timeoutMs: config.timeoutMs as number,
      signal,
    });
    if (response.status >= 400) throw statusFailure('POST', '(webhook)', response);
    return { output: { delivered: true, status: response.status, response: response.body.slice(0, 1000) } };
  },
};
