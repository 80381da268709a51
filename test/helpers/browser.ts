/**
 * Debian's Chromium driven by playwright-core, with a fresh profile per launch, for the browser
 * end-to-end tests (Playwright cannot download its own browsers here).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ciSkip } from './skip';

export const CHROMIUM = process.env.FIOT_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumSkipReason(): string | null {
  return existsSync(CHROMIUM) ? null : ciSkip(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set FIOT_CHROMIUM)`);
}

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface BrowserOptions {
  /**
   * Lets a test inject a checker script (axe-core) past the app's strict CSP. Only for scans:
   * every other test runs under the CSP the app ships.
   */
  bypassCSP?: boolean;
  /** The computer's time zone and language as the page sees them (Intl, navigator.language). */
  timezoneId?: string;
  locale?: string;
  /** Another way to start Chromium (a wrapper script that starts it in a station's network namespace). */
  executablePath?: string;
}

/** A headless Chromium at 900×650 (the smallest window the app supports) with its own profile. */
export async function launchBrowser(options: BrowserOptions = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'fiot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: options.executablePath ?? CHROMIUM,
    headless: true,
    viewport: { width: 900, height: 650 },
    bypassCSP: options.bypassCSP ?? false,
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    ...(options.locale ? { locale: options.locale } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  // The app keeps its draft in local storage, shared by every page of this browser: each new page
  // (a test of its own) starts without the last one's draft, while a reload keeps it, as for a person.
  await context.addInitScript(() => {
    if (window.sessionStorage.getItem('fiot-test-page')) return;
    window.sessionStorage.setItem('fiot-test-page', 'started');
    window.localStorage.clear();
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Screenshots of each step when FIOT_E2E_SCREENSHOTS names a folder (to look at the design). */
export function screenshotPath(name: string): string | undefined {
  const dir = process.env.FIOT_E2E_SCREENSHOTS;
  return dir ? path.join(dir, `${name}.png`) : undefined;
}

/** A new page of `browser` at this size, with the errors the page throws collected (a test expects none). */
export async function watchedPage(browser: TestBrowser, width = 1280, height = 900): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}
