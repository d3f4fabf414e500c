/**
 * The experiment HTML report in a real headless browser (a system chromium, else the
 * one @sparticuz/chromium installs, via playwright-core): every chart is a Chart.js instance that drew something, no
 * console errors, nothing fetched from the network, the raw-cells table is there,
 * and cells with violations are marked. Screenshots go to test-artifacts/.
 */
import test from 'ava';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseVary } from '../src/experiment/axes.ts';
import { planCells } from '../src/experiment/matrix.ts';
import { runExperiment } from '../src/experiment/run.ts';
import { writeHtmlAtomic } from '../src/experiment/html.ts';
import type { ExperimentResult } from '../src/experiment/types.ts';
import { chromiumPath, renderReport } from './helpers/browser.ts';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const CHART_IDS = ['chart-throughput', 'chart-tsync', 'chart-p99', 'chart-latency', 'chart-contention', 'chart-wait', 'chart-kinds'];

let tiny: Promise<ExperimentResult> | null = null;
/** one tiny real experiment (2 cells x 300 ms, 2 workers) shared by the tests */
function tinyExperiment(): Promise<ExperimentResult> {
  tiny ??= (() => {
    const axes = [parseVary('groups=1,4')];
    const cells = planCells(axes, { duration: '300ms', workers: '2', scope: 'tasklist' });
    return runExperiment({ command: 'tsync-lab experiment (test)', preset: null, axes, cells, repeat: 1, duration: '300ms', durationMs: 300, baseSeed: 7 });
  })();
  return tiny;
}

test.before(() => mkdirSync(ARTIFACTS, { recursive: true }));

test.serial('a browser is there without any system package: system chromium or the npm-installed one', async (t) => {
  const b = await chromiumPath();
  t.log(`browser: ${b.path} (${b.source})`);
  t.true(existsSync(b.path), b.path);
});

test.serial('HTML report renders every chart in headless chromium without console errors', async (t) => {
  t.timeout(300_000);
  const x = await tinyExperiment();
  t.is(x.cells.length, 2);
  const file = `${ARTIFACTS}experiment.html`;
  writeHtmlAtomic(file, x);
  const r = await renderReport(file, { screenshot: `${ARTIFACTS}experiment.png` });
  t.log(`screenshot: test-artifacts/experiment.png`);
  t.deepEqual(r.consoleErrors, []);
  t.deepEqual(r.requests, [], 'works offline: nothing requested from the network');
  t.is(r.ready, String(CHART_IDS.length), 'the page script drew every chart');
  t.is(r.chartInstances, CHART_IDS.length);
  t.deepEqual(r.canvases.map((c) => c.id), CHART_IDS);
  for (const c of r.canvases) {
    t.true(c.width > 100 && c.height > 100, `${c.id} has a size`);
    // axes and labels alone are grey: coloured series make more distinct colours
    t.true(c.inked > 2000 && c.colours >= 4, `${c.id} is not blank: ${c.inked} inked pixels, ${c.colours} colours`);
  }
  t.is(r.tableRows, 2, 'one raw row per run');
  t.is(r.badBanner, null, 'clean cells: no violation banner');
});

test.serial('HTML report marks a cell whose checkers fired', async (t) => {
  t.timeout(300_000);
  const x = structuredClone(await tinyExperiment());
  const c = x.cells[1]!;
  c.summary.status = 'violations';
  c.summary.violationCount = 1;
  c.summary.violationKinds = ['escape'];
  c.runs[0]!.violationCount = 1;
  c.runs[0]!.violations = [{ kind: 'escape', message: 'thread 9 escaped TSYNC (test)' }];
  const file = `${ARTIFACTS}experiment-violations.html`;
  writeHtmlAtomic(file, x);
  const r = await renderReport(file, { screenshot: `${ARTIFACTS}experiment-violations.png` });
  t.deepEqual(r.consoleErrors, []);
  t.is(r.chartInstances, CHART_IDS.length);
  t.regex(r.badBanner ?? '', /1 cell\(s\) broke an invariant.*#2 groups=4 ⚠: VIOLATIONS x1 \(escape\).*replay: npx tsync-lab stress .*--seed \d+/s);
});

test.serial('HTML report of caller loops: the retry charts render, and a design that cannot fail is named instead of plotted', async (t) => {
  t.timeout(300_000);
  const axes = [parseVary('design=merged,force-compose')];
  const cells = planCells(axes, { duration: '400ms', workers: '2', mix: 'tsync_retry=2,tsync=0,tsync_esrch=0,attach=0', diverge: '0.05' });
  const x = await runExperiment({ command: 'tsync-lab experiment (test)', preset: null, axes, cells, repeat: 1, duration: '400ms', durationMs: 400, baseSeed: 11 });
  t.deepEqual(x.cells.map((c) => c.summary.retry?.canFail), [true, false]);
  const file = `${ARTIFACTS}experiment-retry.html`;
  writeHtmlAtomic(file, x);
  const r = await renderReport(file, { screenshot: `${ARTIFACTS}experiment-retry.png` });
  t.deepEqual(r.consoleErrors, []);
  const retryIds = ['chart-retry-time', 'chart-retry-giveups', 'chart-retry-attempts', 'chart-retry-growth'];
  t.is(r.ready, String(CHART_IDS.length + retryIds.length));
  t.deepEqual(r.canvases.map((c) => c.id), [...CHART_IDS, ...retryIds]);
  for (const c of r.canvases.filter((q) => retryIds.includes(q.id))) t.true(c.inked > 2000, `${c.id} is not blank`);
});
