import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { MailResult, MailSender, SmtpOptions } from '../ports.js';

/** nodemailer's transport options for one {@link SmtpOptions}. */
export function transportOptions(smtp: SmtpOptions): SMTPTransport.Options {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'implicit',
    requireTLS: smtp.tls === 'require-starttls',
    ignoreTLS: smtp.tls === 'none',
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    tls: {
      rejectUnauthorized: smtp.rejectUnauthorized,
      ...(smtp.ca ? { ca: smtp.ca } : {}),
      ...(smtp.servername ? { servername: smtp.servername } : {}),
    },
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    // Never log: the transcript holds the login and the message.
    logger: false,
    debug: false,
  };
}

/**
 * Mail over SMTP through nodemailer: one connection per message (a workflow sends a few, and a
 * pooled connection would outlive a changed password). Cancelling a run closes the connection.
 */
export function smtpMail(): MailSender {
  return {
    async send({ smtp, message, signal }): Promise<MailResult> {
      const transport = nodemailer.createTransport(transportOptions(smtp));
      const abort = () => transport.close();
      signal.addEventListener('abort', abort, { once: true });
      try {
        const info = await transport.sendMail({
          from: message.from,
          to: message.to,
          cc: message.cc.length ? message.cc : undefined,
          bcc: message.bcc.length ? message.bcc : undefined,
          replyTo: message.replyTo,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: message.headers,
        });
        return {
          messageId: info.messageId,
          accepted: info.accepted.map(String),
          rejected: info.rejected.map(String),
          response: info.response,
        };
      } finally {
        signal.removeEventListener('abort', abort);
        transport.close();
      }
    },
  };
}
