import { Page } from 'playwright-core';
import { TestApp, TestStores } from '../app';
import { AgentSocket } from '../agent-sockets';
import { Browser, launchBrowser, logIn, screenshot } from './browser';
import { hostInfo, snapshotsOfLastMinutes } from './fixtures';

/** Issue 11: an agent enrolled from the console connects with the key it showed, and its host page has charts. */
describe('the console hosts pages in a browser', () => {
  let stores: TestStores;
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let socket: AgentSocket | undefined;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
    browser = await launchBrowser();
    page = await browser.newPage();
  });
  afterAll(async () => {
    socket?.close();
    await browser?.close();
    await stores.destroy();
  });

  it('enrolls an agent from the UI, whose key a real agent connection is accepted with, and charts its host', async () => {
    await logIn(page, app, '#/hosts');
    await page.getByRole('heading', { name: 'Enroll an agent' }).waitFor();
    await page.getByLabel('Agent name').fill('web-7');
    await page.getByRole('button', { name: 'Enroll', exact: true }).click();

    await page.getByRole('heading', { name: 'Key of web-7: shown this once' }).waitFor();
    const key = (await page.locator('#agent-key').textContent()) ?? '';
    expect(key).toMatch(/^wt_ak_[A-Za-z0-9]{32}$/);
    expect(await page.locator('#agent-command').textContent()).toBe(
      `WATCHTOWER_URL=${app.url} WATCHTOWER_AGENT_KEY=${key} npx watchtower-agent run`,
    );
    const agentRow = page.locator('.agents tbody tr', { hasText: 'web-7' });
    await agentRow.getByText('offline').waitFor();

    // the agent's side: the WebSocket accepts the key, welcomes the host and acknowledges an hour of snapshots
    socket = await AgentSocket.open(app, key);
    const host = hostInfo('web-7');
    const welcome = await socket.hello(host);
    expect(welcome).toMatchObject({ type: 'welcome', host_id: host.host_id });
    socket.send({ type: 'ingest', id: 'hour', snapshots: snapshotsOfLastMinutes(40) });
    expect(await socket.next()).toMatchObject({ type: 'ack', id: 'hour', accepted: 40, rejected: 0 });

    // the console hears of the snapshots live and shows the host, connected over plain ws
    const hostRow = page.locator('.hosts tbody tr', { hasText: 'web-7' });
    await hostRow.locator('.conn-ws').waitFor({ timeout: 20_000 });
    await agentRow.locator('.conn-ws').waitFor();
    await hostRow.getByRole('meter', { name: 'CPU' }).waitFor();
    await screenshot(page, 'hosts');
    await page.getByRole('button', { name: 'Done, hide the key' }).click();
    expect(await page.locator('#agent-key').count()).toBe(0);

    await hostRow.getByRole('link', { name: 'web-7' }).click();
    await page.getByRole('heading', { name: 'web-7' }).waitFor();
    for (const title of ['CPU', 'Load', 'Memory', 'Disk', 'Network eth0']) {
      const chart = page.locator('figure.chart', { hasText: title }).locator('.chart-box');
      await chart.locator('canvas').waitFor();
      expect(await chart.getAttribute('aria-label')).toMatch(/latest [0-9]/);
    }
    expect(await page.locator('.chart-empty').count()).toBe(0);
    await page.getByRole('row', { name: /eth0/ }).waitFor();
    await page
      .getByRole('row', { name: /postgres/ })
      .first()
      .waitFor();
    await page.getByText('Port scan from 203.0.113.50').waitFor();
    await screenshot(page, 'host');

    await page.getByText('24 h').click();
    await page.locator('.range label.chosen', { hasText: '24 h' }).waitFor();
    await page.locator('.charts[aria-busy="false"]').waitFor();
    expect(
      await page.locator('figure.chart', { hasText: 'CPU' }).locator('.chart-box').getAttribute('aria-label'),
    ).toMatch(/latest [0-9]/);
    expect(browser.problems).toEqual([]);
  }, 60_000);
});
