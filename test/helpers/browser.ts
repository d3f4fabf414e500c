/**
 * Open an experiment HTML report in a real headless browser (a system chromium
 * where one exists, else the one npm installs with @sparticuz/chromium, driven
 * by playwright-core) and say what rendered: Chart.js instances, whether
 * each canvas has any drawn pixels, console errors. Also used to take the
 * README's screenshot (docs/scope-chart.png).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

/** system browsers tried first (Debian's chromium, then other usual places) */
const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * The browser to drive: a system chromium if the machine has one, else the
 * binary that ships inside the @sparticuz/chromium npm package (unpacked to
 * the temp folder on first use), so `npm install && npm test` is enough.
 */
export async function chromiumPath(): Promise<{ path: string; source: 'system' | '@sparticuz/chromium' }> {
  const forced = process.env['TSYNC_LAB_CHROMIUM'];
  if (forced) return { path: forced, source: 'system' };
  const sys = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (sys) return { path: sys, source: 'system' };
  const packaged = (await import('@sparticuz/chromium')).default;
  let path = await packaged.executablePath();
  // The package unpacks the binary once, to the temp folder, and reuses whatever is there:
  // a run interrupted while it unpacked leaves a truncated binary that crashes every later
  // run. One that cannot say its version is removed and unpacked again.
  if (!runs(path)) {
    rmSync(path, { force: true });
    path = await packaged.executablePath();
  }
  return { path, source: '@sparticuz/chromium' };
}

function runs(path: string): boolean {
  const r = spawnSync(path, ['--version'], { timeout: 60_000 });
  return r.status === 0;
}
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface CanvasInfo {
  id: string;
  width: number;
  height: number;
  /** pixels with any alpha: 0 means the chart drew nothing */
  inked: number;
  /** distinct colours among a sample of pixels (axes and text alone give few) */
  colours: number;
}

export interface RenderResult {
  ready: string | null;
  chartInstances: number;
  canvases: CanvasInfo[];
  consoleErrors: string[];
  /** requests that left the page (the report must work offline) */
  requests: string[];
  title: string;
  badBanner: string | null;
  tableRows: number;
}

export interface RenderOptions {
  screenshot?: string;
  /** screenshot only this element (CSS selector) instead of the full page */
  element?: string;
  width?: number;
  height?: number;
}

async function inspect(page: Page): Promise<Omit<RenderResult, 'consoleErrors' | 'requests'>> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { Chart?: { instances: Record<string, unknown> }; document: { body: { dataset: Record<string, string | undefined> }; title: string; querySelectorAll(s: string): ArrayLike<{ id: string; width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null }>; querySelector(s: string): { textContent: string | null } | null } };
    const d = g.document;
    const canvases = Array.from(d.querySelectorAll('canvas')).map((c) => {
      const px = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let inked = 0;
      const colours = new Set<number>();
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3]! > 0) {
          inked++;
          if (i % 64 === 0) colours.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
        }
      }
      return { id: c.id, width: c.width, height: c.height, inked, colours: colours.size };
    });
    return {
      ready: d.body.dataset['ready'] ?? null,
      chartInstances: g.Chart ? Object.keys(g.Chart.instances).length : 0,
      canvases,
      title: d.title,
      badBanner: d.querySelector('#bad-cells')?.textContent ?? null,
      tableRows: d.querySelectorAll('#runs-table tbody tr').length,
    };
  });
}

export async function renderReport(htmlFile: string, o: RenderOptions = {}): Promise<RenderResult> {
  const { path } = await chromiumPath();
  const browser = await chromium.launch({ executablePath: path, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: o.width ?? 1400, height: o.height ?? 1000 } });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => void (r.url().startsWith('file:') || r.url().startsWith('data:') || requests.push(r.url())));
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
    await page.waitForFunction(() => (globalThis as unknown as { document: { body: { dataset: Record<string, string | undefined> } } }).document.body.dataset['ready'] !== undefined, undefined, { timeout: 120_000 });
    const info = await inspect(page);
    if (o.screenshot) {
      if (o.element) await page.locator(o.element).screenshot({ path: o.screenshot });
      else await page.screenshot({ path: o.screenshot, fullPage: true });
    }
    return { ...info, consoleErrors, requests };
  } finally {
    await browser.close();
  }
}
