import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { createTransport, type NodemailerError, type SMTPPoolSentMessageInfo, type Transporter } from 'nodemailer';
import { Env } from '../../config/env';
import { plainText } from '../alert-format';
import { AlertChannel, AlertJob } from '../alerts.types';
import { ALERT_TIMEOUT_MS } from './http-post';

// Failures without an SMTP reply that a retry cannot mend: a bad address, a recipient list over the limit
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMAXRECIPIENTS', 'ECONFIG']);

/** Mail over SMTP_URL from MAIL_FROM; the target is one or more comma-separated addresses (§8.2). */
@Injectable()
export class MailChannel implements AlertChannel, OnModuleDestroy {
  static readonly type = 'mail';
  static readonly requires = 'SMTP_URL';
  readonly configured: boolean;
  /** Per attempt; tests shorten it before the first send. */
  timeoutMs = ALERT_TIMEOUT_MS;
  private transport: Transporter<SMTPPoolSentMessageInfo> | undefined;

  constructor(private readonly env: Env) {
    this.configured = MailChannel.isConfigured(env);
  }

  /** One or more comma-separated addresses (§5.2 step 10). */
  static acceptsTarget(target: string): boolean {
    return target.split(',').every((address) => /^[^\s@,]+@[^\s@,]+$/.test(address.trim()));
  }

  static isConfigured(env: Env): boolean {
    return env.smtpUrl !== null;
  }

  async send(alert: AlertJob): Promise<void> {
    const to = alert.target
      .split(',')
      .map((address) => address.trim())
      .filter((address) => address !== '');
    this.checkRecipients(to);
    // covers the wait for a pooled connection too, which the socket timeouts do not
    const signal = AbortSignal.timeout(this.timeoutMs);
    let info: SMTPPoolSentMessageInfo;
    try {
      info = await this.transporter().sendMail({
        to,
        subject: alert.title,
        text: plainText(alert, this.env.tzDisplay),
        signal,
      });
    } catch (error) {
      if (signal.aborted) {
        throw new Error(`mail to ${to.join(', ')} timed out after ${this.timeoutMs} ms`, { cause: error });
      }
      throw failure(to, error as NodemailerError);
    }
    if (info.rejected !== undefined && info.rejected.length > 0) {
      // the others have the mail already: a retry would send it to them twice
      const replies = (info.rejectedErrors ?? []).map((error: NodemailerError) => smtpAnswer(error)).join('; ');
      throw new UnrecoverableError(`mail delivered except to ${info.rejected.join(', ')}: ${replies}`);
    }
  }

  /** Caps that keep a pulse from using the server as a mail relay; breaking one is final. */
  private checkRecipients(to: string[]): void {
    if (to.length > this.env.alertMaxRecipients) {
      throw new UnrecoverableError(
        `mail not sent: ${to.length} recipients, more than ALERT_MAX_RECIPIENTS (${this.env.alertMaxRecipients})`,
      );
    }
    const domains = this.env.alertAllowedDomains.map((domain) => domain.toLowerCase()).filter((d) => d !== '');
    if (domains.length > 0) {
      const outside = to.filter(
        (address) => !domains.includes(address.slice(address.lastIndexOf('@') + 1).toLowerCase()),
      );
      if (outside.length > 0) {
        throw new UnrecoverableError(`mail not sent: ${outside.join(', ')} not in ALERT_ALLOWED_DOMAINS`);
      }
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  private transporter(): Transporter<SMTPPoolSentMessageInfo> {
    if (this.env.smtpUrl === null) {
      throw new UnrecoverableError('alert channel mail is not configured on this server (set SMTP_URL)');
    }
    this.transport ??= createTransport(
      {
        url: this.env.smtpUrl,
        pool: true,
        connectionTimeout: this.timeoutMs,
        greetingTimeout: this.timeoutMs,
        socketTimeout: this.timeoutMs,
      },
      { from: this.env.mailFrom },
    );
    return this.transport;
  }
}

/** A 5xx reply (but 503) is final; 4xx replies, timeouts and dropped connections are worth another attempt. */
function failure(to: string[], error: NodemailerError): Error {
  if (error instanceof UnrecoverableError) {
    return error;
  }
  const message = `mail to ${to.join(', ')} failed: ${smtpAnswer(error)}`;
  const permanent = error.responseCode !== undefined ? error.permanent === true : PERMANENT_CODES.has(error.code ?? '');
  return permanent ? new UnrecoverableError(message) : new Error(message, { cause: error });
}

/** Nodemailer's message, plus the server's reply when the message does not quote it. */
function smtpAnswer(error: NodemailerError): string {
  const reply = error.response?.replace(/\s+/g, ' ').slice(0, 200);
  return reply === undefined || error.message.includes(reply) ? error.message : `${error.message} (${reply})`;
}
