import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { TestApp } from '../app';

// The console in a real browser: Debian's chromium driven by playwright-core (never `npx playwright install`),
// headless, with a profile of its own that is thrown away afterwards.

const ROOT = resolve(__dirname, '../../../..');
const SCREENSHOTS = join(ROOT, 'docs/screenshots');
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export interface Browser {
  context: BrowserContext;
  /** What the pages said on their console that a test should never see: CSP refusals, uncaught errors. */
  problems: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'wt-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  const problems: string[] = [];
  const watch = (page: Page): void => {
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // API refusals (401 while logged out, 403 for a wrong password) are answers the pages handle
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(`console: ${message.text()}`);
      }
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && new URL(response.url()).pathname.startsWith('/gui/')) {
        problems.push(`${response.status()} for ${response.url()}`);
      }
    });
  };
  context.on('page', watch);
  context.pages().forEach(watch);
  return {
    context,
    problems,
    newPage: async () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Logs in through the form (after dropping any session left by an earlier test) and waits for the page. */
export async function logIn(page: Page, app: TestApp, hash = ''): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${app.url}/gui/${hash}`);
  await page.getByLabel('Admin password').fill(app.env.adminPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** A README screenshot of the page as it is now (light mode, 1280x800). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.mouse.move(1279, 799); // no hover effect on whatever the test clicked last
  // the live clock and countdowns keep changing; the caret and focus ring are noise in a picture
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), caret: 'hide', animations: 'disabled' });
}

/** The console's session cookie, as a `cookie` header for requests made outside the browser. */
export async function sessionCookie(browser: Browser, app: TestApp): Promise<string> {
  const cookies = await browser.context.cookies(app.url);
  const session = cookies.find((cookie) => cookie.name === 'wt_session');
  if (!session) {
    throw new Error(`no wt_session cookie among ${cookies.map((cookie) => cookie.name).join(', ')}`);
  }
  return `${session.name}=${session.value}`;
}

/**
 * Sums the page's layout shifts (the Cumulative Layout Shift of web-vitals, without the session windows) from its
 * next navigation on, for `layoutShift` to read. Shifts right after a click or a key press do not count. Scripts
 * that run in the page are strings: the tests are typed without the DOM.
 */
export async function watchLayoutShifts(page: Page): Promise<void> {
  await page.addInitScript(`
    window.layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) {
          window.layoutShift += entry.value;
        }
      }
    }).observe({ type: 'layout-shift', buffered: true });
  `);
}

export async function layoutShift(page: Page): Promise<number> {
  return page.evaluate<number>('window.layoutShift');
}
