import { UnrecoverableError } from 'bullmq';
import { AddressInfo, createServer as createTcpServer, Socket } from 'node:net';
import { SMTPServer, SMTPServerOptions } from 'smtp-server';
import { plainText } from '../alert-format';
import { MailChannel } from './mail.channel';
import { alertJob, testEnv, unusedPort } from './test/fakes';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback; `options` replaces its default accept-everything hooks. */
async function startSmtp(options: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push({
          from,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString(),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    stop: async () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The text part of a single-part message, decoded from whatever transfer encoding nodemailer chose. */
function textOf(raw: string): string {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(head)?.[1].toLowerCase();
  if (encoding === 'base64') {
    return Buffer.from(body, 'base64').toString('utf8');
  }
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => `%${hex}`);
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25')).replace(/\r\n/g, '\n');
  }
  return body.replace(/\r\n/g, '\n');
}

describe(MailChannel.name, () => {
  const channels: MailChannel[] = [];
  const servers: { stop(): Promise<void> }[] = [];
  const mailChannel = (overrides: Record<string, string>) => {
    const channel = new MailChannel(testEnv(overrides));
    channels.push(channel);
    return channel;
  };
  const smtpServer = async (options: Partial<SMTPServerOptions> = {}) => {
    const smtp = await startSmtp(options);
    servers.push(smtp);
    return smtp;
  };
  afterEach(async () => {
    // the pool keeps its connections open: close it first, or the server waits for them
    channels.splice(0).forEach((channel) => channel.onModuleDestroy());
    await Promise.all(servers.splice(0).map(async (server) => server.stop()));
  });

  it('sends the title as subject and the body plus context as plain text, to every address', async () => {
    const smtp = await smtpServer();
    const channel = mailChannel({ SMTP_URL: smtp.url, MAIL_FROM: 'Watchtower <alerts@example.com>' });
    expect(channel.configured).toBe(true);
    const alert = alertJob({ type: 'mail', target: 'ops@example.com, oncall@example.org' });
    await channel.send(alert);

    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.from).toBe('alerts@example.com');
    expect(mail.to).toEqual(['ops@example.com', 'oncall@example.org']);
    expect(mail.raw).toMatch(/^Subject: Service svcA has not pulsed\r$/m);
    expect(mail.raw).toMatch(/^Content-Type: text\/plain; charset=utf-8\r$/m);
    expect(textOf(mail.raw).trimEnd()).toBe(plainText(alert, 'Europe/Paris'));
  });

  it('fails for good when the server refuses a recipient with 550', async () => {
    const smtp = await smtpServer({
      onRcptTo(address, session, callback) {
        callback(Object.assign(new Error('5.1.1 <nobody@example.com>: no such user'), { responseCode: 550 }));
      },
    });
    const error = await mailChannel({ SMTP_URL: smtp.url })
      .send(alertJob({ target: 'nobody@example.com' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(
      /^mail to nobody@example.com failed: .*550 5\.1\.1 <nobody@example\.com>: no such user/,
    );
  });

  it('fails for good without duplicates when only some recipients are refused', async () => {
    const smtp = await smtpServer({
      onRcptTo(address, session, callback) {
        const refused = address.address === 'gone@example.com';
        callback(refused ? Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }) : undefined);
      },
    });
    const error = await mailChannel({ SMTP_URL: smtp.url })
      .send(alertJob({ target: 'ops@example.com,gone@example.com' }))
      .catch((e: unknown) => e);
    expect(smtp.received.map((mail) => mail.to)).toEqual([['ops@example.com']]);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(
      /^mail delivered except to gone@example.com: .*550 5\.1\.1 mailbox unavailable/,
    );
  });

  it('retries when the server answers 451 to the message', async () => {
    const smtp = await smtpServer({
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 })));
      },
    });
    const error = await mailChannel({ SMTP_URL: smtp.url })
      .send(alertJob({ target: 'ops@example.com' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(/^mail to ops@example.com failed: .*451 4\.3\.0 try again later/);
  });

  it('retries when the connection is refused', async () => {
    const channel = mailChannel({ SMTP_URL: `smtp://127.0.0.1:${await unusedPort()}` });
    const error = await channel.send(alertJob({ target: 'ops@example.com' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(/^mail to ops@example.com failed: .*ECONNREFUSED/);
  });

  it('retries when the server never greets, after the timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const channel = mailChannel({ SMTP_URL: `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}` });
      channel.timeoutMs = 200;
      const started = Date.now();
      const error = await channel.send(alertJob({ target: 'ops@example.com' })).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(UnrecoverableError);
      expect((error as Error).message).toBe('mail to ops@example.com timed out after 200 ms');
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('without SMTP_URL, says so at once and fails for good', async () => {
    const channel = mailChannel({});
    expect(channel.configured).toBe(false);
    const error = await channel.send(alertJob({ target: 'ops@example.com' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('alert channel mail is not configured on this server (set SMTP_URL)');
  });

  it('refuses more recipients than ALERT_MAX_RECIPIENTS, for good and without sending', async () => {
    const smtp = await smtpServer();
    const channel = mailChannel({ SMTP_URL: smtp.url, ALERT_MAX_RECIPIENTS: '3' });
    const four = ['a', 'b', 'c', 'd'].map((name) => `${name}@example.com`).join(',');
    const error = await channel.send(alertJob({ target: four })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('mail not sent: 4 recipients, more than ALERT_MAX_RECIPIENTS (3)');
    await channel.send(alertJob({ target: 'a@example.com,b@example.com,c@example.com' }));
    expect(smtp.received).toHaveLength(1);
  });

  it('with ALERT_ALLOWED_DOMAINS, sends only when every recipient is in one of them', async () => {
    const smtp = await smtpServer();
    const channel = mailChannel({ SMTP_URL: smtp.url, ALERT_ALLOWED_DOMAINS: 'example.com, Corp.example' });
    const error = await channel
      .send(alertJob({ target: 'ops@example.com, mallory@elsewhere.net' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('mail not sent: mallory@elsewhere.net not in ALERT_ALLOWED_DOMAINS');
    expect(smtp.received).toHaveLength(0);
    await channel.send(alertJob({ target: 'ops@EXAMPLE.com, it@corp.example' }));
    expect(smtp.received).toHaveLength(1);
  });
});
