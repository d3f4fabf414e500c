/**
 * The self-contained HTML report: one file that works offline from file://, with
 * Chart.js's UMD build, the page script and the experiment JSON inlined (a chart
 * library, not hand-drawn SVG geometry: axes, log scales and legends are solved).
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ExperimentResult } from './types.ts';

const ASSETS = new URL('./assets/', import.meta.url);

/** chart.js's package exports do not expose dist/chart.umd.js: find it next to its CommonJS entry */
function chartJsUmd(): string {
  const cjs = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(cjs), 'chart.umd.js'), 'utf8');
}

/** Inline script text may not contain `</script` (it would end the element early). */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

/** JSON inside <script type="application/json">: escaping `<` keeps any string from closing it. */
function jsonSafe(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ENTITIES[c] ?? c);

const CHARTS: { id: string; wide?: boolean }[] = [
  { id: 'chart-throughput' },
  { id: 'chart-tsync' },
  { id: 'chart-p99' },
  { id: 'chart-latency' },
  { id: 'chart-contention' },
  { id: 'chart-wait' },
  { id: 'chart-kinds', wide: true },
];

/** the caller-loop charts (drawn when the cells ran tsync_retry loops) */
const RETRY_CHARTS: { id: string; wide?: boolean }[] = [
  { id: 'chart-retry-time' },
  { id: 'chart-retry-giveups' },
  { id: 'chart-retry-attempts' },
  { id: 'chart-retry-growth' },
];

function renderHtml(x: ExperimentResult): string {
  const retry = x.cells.some((c) => c.summary.retry);
  const title = `tsync-lab experiment${x.preset ? ` — preset ${x.preset}` : ''}`;
  const css = readFileSync(new URL('report.css', ASSETS), 'utf8');
  const page = readFileSync(new URL('report.js', ASSETS), 'utf8');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${css}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<section id="summary"></section>
<h2>Charts</h2>
<p class="note">Each cell ran ${x.repeat} time(s) for ${x.durationMs / 1000} s with every checker on. Red crosses (✕) and ⚠ mark cells where a checker fired or a worker crashed.</p>
<div class="grid">
${CHARTS.map((c) => `<div class="card${c.wide ? ' wide' : ''}"><canvas id="${c.id}"></canvas></div>`).join('\n')}
</div>
${
  retry
    ? `<h2>Caller loops (tsync_retry)</h2>
<p class="note">What a caller of each design goes through until every thread carries its filter: each loop's attempts are ops of its thread, so the group keeps running, diverging and exiting between them. A design whose one call divergence cannot fail is named in the chart, not plotted as zeros.</p>
<div class="grid">
${RETRY_CHARTS.map((c) => `<div class="card${c.wide ? ' wide' : ''}"><canvas id="${c.id}"></canvas></div>`).join('\n')}
</div>`
    : ''
}
<h2>Cells</h2>
<p class="note">Median [min–max] over repeats; latency from the repeats' merged HDR histograms; cont. = contention rate, wait = longest wait; fairness = min/max ops per worker.</p>
<div class="tablewrap" id="cells-table"></div>
<h2>Raw runs</h2>
<div class="tablewrap" id="runs-table"></div>
<script type="application/json" id="experiment-data">${jsonSafe(x)}</script>
<script>
${scriptSafe(chartJsUmd())}
</script>
<script>
${scriptSafe(page)}
</script>
</body>
</html>
`;
}

/** Write the report atomically (temp file + rename), like the JSON. */
export function writeHtmlAtomic(path: string, x: ExperimentResult): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, renderHtml(x));
  renameSync(tmp, path);
}
