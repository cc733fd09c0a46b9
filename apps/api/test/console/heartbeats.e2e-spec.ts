import { Page } from 'playwright-core';
import { TestApp, TestStores } from '../app';
import { pulse } from './fixtures';
import { Browser, launchBrowser, logIn, screenshot } from './browser';

/** Issue 11: the heartbeats page follows the server live, and cancels and deletes after a confirmation. */
describe('the console heartbeats page in a browser', () => {
  let stores: TestStores;
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  const row = (service: string) =>
    page.locator('tbody').filter({ has: page.getByRole('button', { name: service, exact: true }) });

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ HEARTBEAT_STARTUP_GRACE_SECONDS: '0', HEARTBEAT_HISTORY: 'true' });
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    browser.problems.length = 0;
    page = await browser.newPage();
    await logIn(page, app);
  });
  afterEach(async () => page.close());
  afterAll(async () => {
    await browser?.close();
    await stores.destroy();
  });

  it('shows a service pulsed with nextIn 2 turn dead without a reload, with its history', async () => {
    await pulse(app, 'nightly-backup', 86400, { alertType: 'mail', alertTarget: 'ops@example.org' });
    await pulse(app, 'db-replication', 300, { alertType: 'webhook', alertTarget: 'https://example.org/hooks/wt' });
    await pulse(app, 'cert-renewal', 604800);
    await pulse(app, 'legacy-ftp-sync', 600);
    await app.request('DELETE', '/heartbeat', { body: { service: 'legacy-ftp-sync' } });
    await page.goto(`${app.url}/gui/#/heartbeats`);
    await row('db-replication').getByText('alive').waitFor();
    // a marker a reload would wipe out
    await page.evaluate('window.stayed = true');

    await pulse(app, 'flaky-job', 2, { repeatEvery: 600 });
    // the pulse itself arrives live (a heartbeats message), then the server's death does
    await row('flaky-job').waitFor();
    await row('flaky-job').locator('.state-dead').waitFor({ timeout: 20_000 });
    await row('flaky-job')
      .getByText(/^dead for/)
      .waitFor();
    expect(await page.evaluate('window.stayed')).toBe(true);
    // dead first (protocol §12)
    expect(await page.locator('tbody th').first().textContent()).toBe('flaky-job');

    await row('flaky-job').getByRole('button', { name: 'flaky-job', exact: true }).click();
    const strip = page.getByRole('list', { name: /flaky-job/ });
    await strip.locator('.h-alert').waitFor();
    expect(await strip.locator('.h-pulse').count()).toBe(1);
    await screenshot(page, 'heartbeats');
    expect(browser.problems).toEqual([]);
  }, 60_000);

  it('cancels and deletes a service after a confirmation, and keeps it when told to', async () => {
    await pulse(app, 'to-cancel', 3600);
    await pulse(app, 'to-delete', 3600);
    await page.goto(`${app.url}/gui/#/heartbeats?q=to-`);
    await row('to-delete').waitFor();

    const dialog = page.getByRole('dialog');
    await page.getByRole('button', { name: 'Delete to-delete' }).click();
    await dialog.getByRole('heading', { name: 'Delete to-delete?' }).waitFor();
    await dialog.getByRole('button', { name: 'Keep' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await app.request('GET', '/heartbeat/to-delete')).status).toBe(200);

    await page.getByRole('button', { name: 'Cancel to-cancel' }).click();
    await dialog.getByRole('button', { name: 'Cancel monitoring' }).click();
    await row('to-cancel').locator('.state-cancelled').waitFor();
    expect((await app.request('GET', '/heartbeat/to-cancel')).json.heartBeat.cancelled).toBe(true);

    await page.getByRole('button', { name: 'Delete to-delete' }).click();
    // from the keyboard: the dialog opens on Keep, Tab reaches the confirmation
    await dialog.getByRole('button', { name: 'Keep' }).waitFor();
    expect(
      await dialog
        .getByRole('button', { name: 'Keep' })
        .evaluate((button) => button === button.ownerDocument.activeElement),
    ).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await row('to-delete').waitFor({ state: 'detached' });
    expect((await app.request('GET', '/heartbeat/to-delete')).status).toBe(404);
    await page.getByRole('status').filter({ hasText: 'to-delete deleted' }).waitFor();
    expect(browser.problems).toEqual([]);
  });
});
