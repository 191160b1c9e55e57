import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestSystem, TEST_PASSWORD, type TestClock, type TestSystem } from '../harness';
import { WEB_DIST } from '../web-build';

/**
 * Browser tests: Debian's Chromium driven by playwright-core against the whole system (API serving
 * the built web application, worker, SMTP receiver) listening on a loopback port of its own.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export interface BrowserSystem {
  system: TestSystem;
  browser: Browser;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startBrowserSystem(clock?: TestClock): Promise<BrowserSystem> {
  const system = await startTestSystem({ clock, worker: true, env: { WEB_DIR: WEB_DIST } });
  await system.app.listen(0, '127.0.0.1');
  const address = system.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return {
    system,
    browser,
    baseUrl,
    async close() {
      await browser.close();
      await system.close();
    },
  };
}

/** A fresh browser context (its own session storage) for one person, in their language. */
export async function openPage(
  env: BrowserSystem,
  locale = 'en-GB',
  timezoneId = 'Europe/Belgrade',
): Promise<Page> {
  const context = await env.browser.newContext({
    baseURL: env.baseUrl,
    locale,
    timezoneId,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

export async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core, injected into the page, on what the page shows now (WCAG 2.1 A and AA rules): the
 * serious and critical violations, each with the elements it found them on.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  // A string, so this file needs no DOM types: it runs in the page, where axe and document exist.
  const violations = await page.evaluate<AxeViolation[]>(`(async () => {
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  })()`);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** SCREENSHOTS=1 writes the screens the story passes through into docs/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = join(__dirname, '..', '..', 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}

/**
 * Chooses the interface language from the header as a signed-in user does, and waits until the
 * profile has it (saved by PATCH /me and kept in the session), so the next page load speaks it.
 */
export async function chooseLanguage(page: Page, label: string, locale: string): Promise<void> {
  await page.getByLabel(label).selectOption(locale);
  const stored = `JSON.parse(sessionStorage.getItem('mptf.session') || 'null')?.user?.locale`;
  for (const deadline = Date.now() + 15_000; ;) {
    if ((await page.evaluate<string | undefined>(stored)) === locale) return;
    if (Date.now() > deadline) throw new Error(`the profile did not take the language ${locale}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
