/**
 * Accessibility checks for the browser tests: axe-core's scan of the page as it is (a context
 * opened with bypassCSP, since the app's CSP rightly refuses injected scripts), and screenshots
 * of a step at the widths the app must work at.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { screenshotPath } from './browser';

const axeScript = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** The serious and critical findings of an axe-core scan (WCAG 2.x A and AA rules, best practices). */
export async function seriousAxeFindings(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axeScript });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Readable lines for an assertion message. */
export function describeFindings(findings: AxeFinding[]): string {
  return findings.map((f) => `${f.impact} ${f.id}: ${f.help} at ${f.targets.slice(0, 3).join(', ')}`).join('\n');
}

/** Screenshots of the page at 1280 and 800 px wide (when FIOT_E2E_SCREENSHOTS names a folder); the viewport is restored. */
export async function shotAtWidths(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize();
  for (const width of [1280, 800]) {
    const file = screenshotPath(`${name}-${width}`);
    if (!file) return;
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: file });
  }
  if (viewport) await page.setViewportSize(viewport);
}

/**
 * Presses Tab until `selector` has the focus (at most `limit` times), and returns the controls
 * passed on the way that did not show the app's high-contrast focus ring (--focus-ring, as an
 * outline of 2 px or more or in a box-shadow).
 */
export async function tabTo(page: Page, selector: string, limit = 60): Promise<string[]> {
  const unmarked: string[] = [];
  for (let i = 0; i < limit; i++) {
    const state = await page.evaluate((wanted) => {
      const active = document.activeElement as HTMLElement | null;
      if (!active || active === document.body) return { reached: false, marked: true, name: '' };
      // The app's focus colour as the browser resolves it, to compare with what the control shows.
      const probe = document.createElement('span');
      probe.style.color = 'var(--focus-ring)';
      document.body.append(probe);
      const ring = getComputedStyle(probe).color;
      probe.remove();
      const style = getComputedStyle(active);
      const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 && style.outlineColor === ring;
      const marked = outlined || style.boxShadow.includes(ring);
      const name = `${active.tagName.toLowerCase()}${active.id ? `#${active.id}` : ''} “${(active.getAttribute('aria-label') ?? active.textContent ?? '').trim().slice(0, 40)}”`;
      return { reached: active.matches(wanted), marked, name };
    }, selector);
    if (!state.marked) unmarked.push(state.name);
    if (state.reached) return unmarked;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} was not reached with ${limit} presses of Tab`);
}
