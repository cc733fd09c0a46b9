import { Agent, Dispatcher, ProxyAgent, fetch } from 'undici';
import { PingConfig } from '../config/json-settings';

/**
 * One HTTP attempt. The proxy serves both http and https URLs (the reference proxied http only), and
 * redirects are followed before the status is compared with `expectedCode`.
 */
export async function probe(config: PingConfig): Promise<boolean> {
  const tls = { rejectUnauthorized: !config.insecureTLS };
  const dispatcher: Dispatcher = config.proxyURL
    ? new ProxyAgent({ uri: config.proxyURL, requestTls: tls })
    : new Agent({ connect: tls });
  const headers: Record<string, string> = {};
  if (config.login !== null) {
    headers.authorization = `Basic ${Buffer.from(`${config.login}:${config.password ?? ''}`).toString('base64')}`;
  }
  try {
    const response = await fetch(config.url, {
      method: config.method.toUpperCase(),
      headers,
      dispatcher,
      redirect: 'follow',
      signal: AbortSignal.timeout(config.timeout * 1000),
    });
    await response.body?.cancel();
    return response.status === config.expectedCode;
  } catch {
    return false;
  } finally {
    await dispatcher.close();
  }
}
