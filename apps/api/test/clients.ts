// Faithful stand-ins for the three original watchTower clients (watchtower-protocol.md §13): the same
// methods, URLs, headers, body encodings and result handling, so the compatibility cases exercise the
// requests those clients really send.

export class ClientError extends Error {
  constructor(
    readonly kind: 'Status KO' | 'Result KO',
    readonly body: string,
  ) {
    super(`${kind} ${body}`);
  }
}

/** clientPython/client.py: JSON bodies, raises when the HTTP status or `result` is not 200. */
export class PythonClient {
  constructor(
    private readonly url: string,
    private readonly password: string,
  ) {}

  private async call(method: string, path: string, init: { json?: unknown; params?: Record<string, unknown> } = {}) {
    let target = this.url + path;
    if (init.params) {
      // requests drops parameters whose value is None
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(init.params)) {
        if (value !== null && value !== undefined) {
          query.set(key, String(value));
        }
      }
      target += `?${query}`;
    }
    const headers: Record<string, string> = { password: this.password };
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      // Python's json.dumps escapes non-ASCII characters by default
      body = JSON.stringify(init.json).replace(
        /[\u007f-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
    }
    const response = await fetch(target, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    if (response.status !== 200) {
      throw new ClientError('Status KO', text);
    }
    const content = JSON.parse(text) as Record<string, any>;
    if (content.result !== 200) {
      throw new ClientError('Result KO', text);
    }
    return content;
  }

  async pulse(service: string, alertType: string, alertTarget: string, nextIn: number) {
    return this.call('POST', '/heartbeat', { json: { service, alertType, alertTarget, nextIn } });
  }

  async cancel(service: string) {
    return this.call('DELETE', '/heartbeat', { json: { service } });
  }

  async add(service: string, message: string, level = 0) {
    return this.call('POST', '/event', { json: { service, level, message } });
  }

  async heartbeats(): Promise<any[]> {
    return (await this.call('GET', '/heartbeats')).heartBeats;
  }

  async events(
    dayFrom?: number | null,
    dayTo?: number | null,
    service?: string | null,
    level?: number | null,
    message?: string | null,
  ): Promise<any[]> {
    return (await this.call('GET', '/events', { params: { from: dayFrom, to: dayTo, service, level, message } }))
      .events;
  }
}

/** clientPython's HearbeatManager: wakes every `tickMs`, pulses once half the period has passed, cancels twice at the end. */
export class PythonHeartbeatManager {
  private running = true;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly client: PythonClient,
    private readonly service: string,
    private readonly alertType: string,
    private readonly alertTarget: string,
    private readonly freqInSeconds: number,
    private readonly tickMs = 5000,
  ) {}

  start(): void {
    this.loop = (async () => {
      let lastSent = 0;
      while (this.running) {
        if (Date.now() - lastSent > (this.freqInSeconds * 1000) / 2) {
          await this.client.pulse(this.service, this.alertType, this.alertTarget, this.freqInSeconds);
          lastSent = Date.now();
        }
        await new Promise((resolve) => setTimeout(resolve, this.tickMs));
      }
      await this.client.cancel(this.service);
    })();
  }

  async interrupt(): Promise<void> {
    this.running = false;
    await this.client.cancel(this.service);
    await this.loop;
  }
}

/** clientJava/client.java: JSON built by string formatting, level as a string, only the last line kept. */
export class JavaClient {
  constructor(
    private readonly url: string,
    private readonly password: string,
  ) {}

  private async call(method: string, path: string, json: string): Promise<string> {
    const response = await fetch(this.url + path, {
      method,
      headers: { password: this.password, 'content-type': 'application/json' },
      body: json,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (response.status >= 400) {
      throw new Error(`HTTP ${response.status}: ${text}`);
    }
    const lines = text.split('\n').filter((line) => line !== '');
    return lines[lines.length - 1] ?? '';
  }

  async pulse(service: string, alertType: string, alertTarget: string, nextIn: number): Promise<string> {
    return this.call(
      'POST',
      '/heartbeat',
      `{"service":"${service}","alertType":"${alertType}","alertTarget":"${alertTarget}","nextIn":${nextIn}}`,
    );
  }

  async cancel(service: string): Promise<string> {
    return this.call('DELETE', '/heartbeat', `{"service":"${service}"}`);
  }

  async add(service: string, message: string, level: number): Promise<string> {
    // The Java client escapes quotes, turns control characters into spaces and collapses whitespace,
    // but never escapes backslashes.
    const cleaned = message
      .replace(/"/g, '\\"')
      .replace(/[\u0000-\u001f]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    try {
      return await this.call('POST', '/event', `{"service":"${service}","message":"${cleaned}","level":"${level}"}`);
    } catch {
      return '';
    }
  }
}

/** clientJavascript/client.js with its agent option fixed: form-urlencoded bodies. */
export class JavascriptClient {
  constructor(
    private readonly url: string,
    private readonly password: string,
  ) {}

  private async form(method: string, path: string, fields: Record<string, string | number>): Promise<any> {
    const body = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]));
    const response = await fetch(this.url + path, {
      method,
      headers: { password: this.password, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    return JSON.parse(await response.text());
  }

  async listHeartbeats(): Promise<string> {
    const response = await fetch(`${this.url}/heartbeats`, { headers: { password: this.password } });
    return response.text();
  }

  async pulse(service: string, alertType: string, alertTarget: string, nextIn: number): Promise<any> {
    return this.form('POST', '/heartbeat', { service, alertType, alertTarget, nextIn });
  }

  async cancel(service: string): Promise<any> {
    return this.form('DELETE', '/heartbeat', { service });
  }
}
