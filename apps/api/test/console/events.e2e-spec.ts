import { Page } from 'playwright-core';
import { TestApp, TestStores } from '../app';
import { addEvents, eventsStored } from './fixtures';
import { Browser, launchBrowser, logIn, screenshot } from './browser';

const MIXED: [string, number, string][] = [
  ['nightly-backup', 2, 'run 812 finished: 91 GB copied in 41 min'],
  ['db-replication', 4, 'replica db-2 lags 12 s behind the primary'],
  ['payments-api', 5, 'card processor answered 503 for 2 min'],
  ['cert-renewal', 1, 'certificate for example.org renewed, valid until 2027-03-01'],
  ['search-indexer', 3, 'reindex took 14 min, longer than the 10 min budget'],
  ['nightly-backup', 0, 'run 813 started'],
];

/** Issue 11: the events page filters on the server, scrolls through the cursor and tails live. */
describe('the console events page in a browser', () => {
  let stores: TestStores;
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  const rows = () => page.locator('.events tbody tr:not(.placeholder)');

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ EVENTS_PRESETS: JSON.stringify([{ name: 'archive', service: '^billing-archive$' }]) });
    browser = await launchBrowser();
    // 130 billing events at level 4 (more than the console's page of 100), others it must filter out
    await addEvents(app, 'billing', 130, 4);
    await addEvents(app, 'billing', 20, 1);
    await addEvents(app, 'billing-archive', 10, 5);
    for (const [service, level, message] of MIXED) {
      await app.request('POST', '/event', { body: { service, level, message } });
    }
    await eventsStored(app, 160 + MIXED.length);
  }, 60_000);
  beforeEach(async () => {
    browser.problems.length = 0;
    page = await browser.newPage();
    await logIn(page, app, '#/events');
  });
  afterEach(async () => page.close());
  afterAll(async () => {
    await browser?.close();
    await stores.destroy();
  });

  it('filters by level and service and scrolls to the second page', async () => {
    await rows().filter({ hasText: 'run 813 started' }).waitFor();
    await screenshot(page, 'events');

    await page.getByLabel('Service', { exact: true }).fill('^billing$');
    await page.getByLabel('Level at or above').fill('3');
    await page.getByRole('button', { name: 'Update' }).click();
    await page.locator('.summary').filter({ hasText: '100+ events' }).waitFor();
    expect(await rows().count()).toBe(100);
    expect(page.url()).toContain('#/events?service=%5Ebilling%24&level=3');

    // the end of the list comes into view: the next page loads from the cursor, and it is the last one
    await page.getByRole('button', { name: 'Load older events' }).scrollIntoViewIfNeeded();
    await page
      .locator('.summary')
      .filter({ hasText: /^130 events/ })
      .waitFor();
    expect(await page.getByRole('button', { name: 'Load older events' }).count()).toBe(0);
    const shown = await rows().evaluateAll((trs) =>
      trs.map((tr) => ({
        service: tr.querySelector('.badge.service')?.getAttribute('title'),
        level: Number(tr.querySelector('.badge.level')?.textContent),
      })),
    );
    expect(shown).toHaveLength(130);
    expect(shown.every((row) => row.service === 'billing' && row.level >= 3)).toBe(true);
    expect(browser.problems).toEqual([]);
  });

  it('fills the service box from a preset and applies it', async () => {
    await rows().first().waitFor();
    await page.getByLabel('Preset').selectOption('archive');
    await page
      .locator('.summary')
      .filter({ hasText: /^10 events/ })
      .waitFor();
    expect(await page.getByLabel('Service', { exact: true }).inputValue()).toBe('^billing-archive$');
    expect(await rows().filter({ hasText: 'billing-archive step' }).count()).toBe(10);
    expect(browser.problems).toEqual([]);
  });

  it('tails: new events appear on top without a reload, highlighted, each once', async () => {
    await page.getByLabel('Service', { exact: true }).fill('^payments-api$');
    await page.getByRole('button', { name: 'Update' }).click();
    await page
      .locator('.summary')
      .filter({ hasText: /^1 events/ })
      .waitFor();
    await page.getByLabel('Live tail').check();
    for (const message of ['tail works', 'and again']) {
      await app.request('POST', '/event', { body: { service: 'payments-api', level: 5, message } });
      await rows().first().filter({ hasText: message }).waitFor();
    }
    expect(await rows().allTextContents()).toEqual([
      expect.stringContaining('and again'),
      expect.stringContaining('tail works'),
      expect.stringContaining('card processor answered 503'),
    ]);
    expect(await rows().first().getAttribute('class')).toContain('fresh');
    expect(await rows().first().getAttribute('class')).toContain('recent');
    expect(browser.problems).toEqual([]);
  });
});
