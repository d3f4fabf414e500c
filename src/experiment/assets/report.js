/*
 * Browser side of the experiment HTML report (inlined by src/experiment/html.ts
 * after Chart.js). Reads the experiment JSON embedded in the page and draws the
 * charts and tables. Plain ES2020, no imports: the report must work offline from
 * a file:// URL. Cells whose checkers fired are drawn as red crosses and named in
 * a banner: their numbers measure a design that broke an invariant.
 */
(function () {
  'use strict';
  const NUMERIC_AXES = ['groups', 'threads', 'workers', 'diverge', 'lifetime'];
  const DESIGN_ROLES = ['siglock', 'tasklist', 'cred_guard', 'threadgroup'];
  const OP_KINDS = ['attach', 'tsync', 'tsync_esrch', 'sync', 'clone', 'exit', 'set_nnp', 'syscall', 'tsync_retry'];
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#d62728'];
  const BAD = '#d62728';

  const data = JSON.parse(document.getElementById('experiment-data').textContent);
  const charts = [];
  window.__experimentCharts = charts;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';

  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const k of kids) e.append(k);
    return e;
  };
  const alpha = (hex, a) => hex + Math.round(a * 255).toString(16).padStart(2, '0');
  const fmt = (n) => (n >= 1e6 ? (n / 1e6).toFixed(2) + 'M' : n >= 1e4 ? (n / 1e3).toFixed(1) + 'k' : String(Math.round(n * 100) / 100));
  const pct = (r) => (r * 100).toFixed(1) + '%';
  const isBad = (c) => c.summary.status !== 'clean';
  const badNote = (c) => (c.summary.status === 'crashed' ? 'CRASHED' : `VIOLATIONS x${c.summary.violationCount} (${c.summary.violationKinds.join(', ')})`);
  // bar labels: the cell's values only (the axis names are the x axis title), to keep them short
  const cellName = (c) => `#${c.index + 1} ${data.axes.map((a) => c.coords[a.name]).join(' ') || 'base'}` + (isBad(c) ? ' ⚠' : '');
  const cellsTitle = data.axes.length ? 'cell: ' + data.axes.map((a) => a.name).join(' ') : 'cell';
  // log axes: label only the decades (0.1 1 10 100 1k …) unless the range holds fewer than two
  const isDecade = (v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;
  const short = (v) => (v >= 1e6 ? v / 1e6 + 'M' : v >= 1e3 ? v / 1e3 + 'k' : String(Math.round(v * 100) / 100));
  const logTicks = { callback: (v, i, ticks) => (isDecade(v) || ticks.filter((t) => isDecade(t.value)).length < 2 ? short(v) : '') };

  // x axis: the last numeric axis (a quantity reads best left to right), else the last axis; series: the other axes
  const axes = data.axes;
  const numeric = axes.filter((a) => NUMERIC_AXES.includes(a.name));
  const xAxis = numeric.length ? numeric[numeric.length - 1] : axes[axes.length - 1];
  const seriesAxes = axes.filter((a) => a !== xAxis);
  const xValues = xAxis ? xAxis.values : ['base'];
  const xOf = (c) => (xAxis ? c.coords[xAxis.name] : 'base');
  const seriesOf = (c) => seriesAxes.map((a) => `${a.name}=${c.coords[a.name]}`).join(' ') || 'all cells';
  const seriesNames = [...new Set(data.cells.map(seriesOf))];
  const roles = DESIGN_ROLES.filter((r) => data.cells.some((c) => c.runs.some((q) => q.locks[r] && q.locks[r].acquisitions > 0)));
  const kinds = OP_KINDS.filter((k) => data.cells.some((c) => (c.summary.opsPerSecondByKind[k] || { median: 0 }).median > 0));

  /** line datasets vs the x axis, one per series, median with a min–max band; bad cells as red crosses */
  function lineDatasets(pick, keep) {
    const out = [];
    seriesNames.forEach((name, i) => {
      if (keep && !data.cells.some((c) => seriesOf(c) === name && keep(c))) return;
      const color = PALETTE[i % PALETTE.length];
      const cellAt = xValues.map((x) => data.cells.find((c) => seriesOf(c) === name && xOf(c) === x) || null);
      const stats = cellAt.map((c) => (c && (!keep || keep(c)) ? pick(c) : null));
      const line = {
        label: name,
        data: stats.map((s) => (s ? s.median : null)),
        borderColor: color,
        backgroundColor: color,
        pointStyle: cellAt.map((c) => (c && isBad(c) ? 'crossRot' : 'circle')),
        pointRadius: cellAt.map((c) => (c && isBad(c) ? 10 : 3)),
        pointBorderColor: cellAt.map((c) => (c && isBad(c) ? BAD : color)),
        pointBorderWidth: cellAt.map((c) => (c && isBad(c) ? 3 : 1)),
        spanGaps: true,
        cells: cellAt,
      };
      const ranged = stats.some((s) => s && 'min' in s && s.min !== s.max);
      if (ranged) {
        const band = { data: stats.map((s) => (s ? s.min : null)), borderWidth: 0, pointRadius: 0, band: true, spanGaps: true, label: name + ' min' };
        out.push(band, { data: stats.map((s) => (s ? s.max : null)), borderWidth: 0, pointRadius: 0, band: true, spanGaps: true, label: name + ' max', fill: '-1', backgroundColor: alpha(color, 0.15) });
      }
      out.push(line);
    });
    return out;
  }

  function lineChart(id, title, yTitle, pick, opts) {
    const datasets = lineDatasets(pick, opts && opts.keep);
    if (opts && opts.log === 'auto') {
      // a log axis only pays off across orders of magnitude; within one it hides the differences
      const ys = datasets.flatMap((d) => d.data).filter((v) => v > 0);
      opts = { log: ys.length > 0 && Math.max(...ys) / Math.min(...ys) > 20 };
      yTitle = opts.log ? yTitle + ' (log)' : yTitle;
    }
    const cfg = {
      type: 'line',
      data: { labels: xValues, datasets },
      options: {
        plugins: {
          title: { display: true, text: title },
          subtitle: { display: !!(opts && opts.subtitle), text: (opts && opts.subtitle) || '', color: '#a33', padding: { bottom: 6 } },
          legend: { labels: { filter: (item, d) => !d.datasets[item.datasetIndex].band } },
          tooltip: {
            filter: (item) => !item.dataset.band,
            callbacks: {
              afterLabel: (item) => {
                const c = item.dataset.cells && item.dataset.cells[item.dataIndex];
                return c && isBad(c) ? badNote(c) : '';
              },
            },
          },
        },
        scales: {
          x: { title: { display: true, text: xAxis ? xAxis.name : '' } },
          y: { type: opts && opts.log ? 'logarithmic' : 'linear', beginAtZero: !(opts && opts.log), title: { display: true, text: yTitle }, ticks: opts && opts.log ? logTicks : {} },
        },
      },
    };
    return draw(id, cfg);
  }

  function barChart(id, title, yTitle, datasets, opts) {
    const cfg = {
      type: 'bar',
      data: { labels: data.cells.map(cellName), datasets },
      options: {
        plugins: { title: { display: true, text: title } },
        scales: {
          x: { stacked: !!(opts && opts.stacked), title: { display: true, text: cellsTitle }, ticks: { color: (ctx) => (isBad(data.cells[ctx.index]) ? BAD : '#444') } },
          y: { stacked: !!(opts && opts.stacked), type: opts && opts.log ? 'logarithmic' : 'linear', beginAtZero: !(opts && opts.log), title: { display: true, text: yTitle }, ticks: opts && opts.log ? logTicks : {} },
        },
      },
    };
    return draw(id, cfg);
  }

  function draw(id, cfg) {
    const canvas = document.getElementById(id);
    const chart = new Chart(canvas, cfg);
    charts.push(chart);
    return chart;
  }

  const perSecond = (kind) => (c) => c.summary.opsPerSecondByKind[kind] || { median: 0, min: 0, max: 0 };
  const p99Stat = (c) => {
    const ps = c.runs.filter((r) => r.latency).map((r) => r.latency.p99Us);
    if (!ps.length) return null;
    // the line is the merged histogram's p99; the band spans the single runs' p99s
    return { median: c.summary.latency.p99Us, min: Math.min(...ps), max: Math.max(...ps) };
  };

  function header() {
    const h = document.getElementById('summary');
    const axesText = axes.length ? axes.map((a) => `${a.name} = ${a.values.join(', ')}`).join('; ') : 'none (one cell)';
    const dl = el('dl', {});
    const add = (k, v) => dl.append(el('dt', {}, k), el('dd', {}, v));
    add('command', data.command);
    add('axes', axesText);
    add('cells × repeats', `${data.cells.length} × ${data.repeat}, ${data.durationMs / 1000} s each (took ${Math.round(data.elapsedMs / 1000)} s)`);
    add('base seed', String(data.baseSeed) + ' (each run’s derived seed is in the runs table)');
    add('host', `${data.host.cpus} cpus, node ${data.host.node}, ${data.host.platform}/${data.host.arch}`);
    add('created', data.createdAt);
    h.append(dl);
    const bad = data.cells.filter(isBad);
    if (data.interrupted) h.append(el('p', { class: 'warn' }, 'Interrupted: partial results.'));
    if (bad.length) {
      const ul = el('ul', {});
      for (const c of bad) ul.append(el('li', {}, `#${c.index + 1} ${c.label} ⚠: ${badNote(c)} — replay: ${c.replay} --seed ${c.runs.find((r) => r.violationCount || r.crash).seed}`));
      h.append(el('div', { class: 'bad-banner', id: 'bad-cells' }, el('strong', {}, `${bad.length} cell(s) broke an invariant; their numbers are marked ✕/⚠ and should not be compared:`), ul));
    } else h.append(el('p', { class: 'ok' }, 'Every cell ran clean: no checker fired.'));
  }

  function table(id, headers, rows, badRows) {
    const t = el('table', {}, el('thead', {}, el('tr', {}, ...headers.map((x) => el('th', {}, x)))));
    const tb = el('tbody', {});
    rows.forEach((r, i) => tb.append(el('tr', badRows[i] ? { class: 'bad' } : {}, ...r.map((x, j) => el('td', j >= axes.length + 1 ? { class: 'num' } : {}, String(x))))));
    t.append(tb);
    document.getElementById(id).append(t);
  }

  function tables() {
    const range = (s, f) => (s.min === s.max ? f(s.median) : `${f(s.median)} [${f(s.min)}–${f(s.max)}]`);
    table(
      'cells-table',
      ['#', ...axes.map((a) => a.name), 'ops/s', 'tsync/s', 'p50 µs', 'p90 µs', 'p99 µs', 'max µs', ...roles.map((r) => `${r} cont. / wait µs`), 'fairness', 'status'],
      data.cells.map((c) => {
        const s = c.summary;
        const l = s.latency;
        return [
          c.index + 1,
          ...axes.map((a) => c.coords[a.name]),
          range(s.opsPerSecond, fmt),
          range(perSecond('tsync')(c), fmt),
          l ? l.p50Us : '-',
          l ? l.p90Us : '-',
          l ? l.p99Us : '-',
          l ? l.maxUs : '-',
          ...roles.map((r) => (s.locks[r] ? `${pct(s.locks[r].contentionRate.median)} / ${s.locks[r].maxWaitUs}` : '-')),
          s.fairness.minMaxRatio.median,
          isBad(c) ? badNote(c) : 'ok',
        ];
      }),
      data.cells.map(isBad),
    );
    const runs = data.cells.flatMap((c) => c.runs.map((r) => ({ c, r })));
    table(
      'runs-table',
      ['#', ...axes.map((a) => a.name), 'repeat', 'seed', 'ops/s', ...kinds.map((k) => `${k}/s`), 'tsync ok', 'tsync failed', 'p50 µs', 'p90 µs', 'p99 µs', 'max µs', ...roles.map((r) => `${r} cont. / wait µs`), 'ops per worker', 'others’ CPU', 'violations'],
      runs.map(({ c, r }) => [
        c.index + 1,
        ...axes.map((a) => c.coords[a.name]),
        r.repeat + 1,
        r.seed,
        r.opsPerSecond,
        ...kinds.map((k) => r.opsPerSecondByKind[k] || 0),
        r.tsync.ok,
        r.tsync.failed,
        r.latency ? r.latency.p50Us : '-',
        r.latency ? r.latency.p90Us : '-',
        r.latency ? r.latency.p99Us : '-',
        r.latency ? r.latency.maxUs : '-',
        ...roles.map((k) => (r.locks[k] ? `${pct(r.locks[k].contentionRate)} / ${r.locks[k].maxWaitUs}` : '-')),
        r.fairness.perWorkerOps.join(' / ') + ` (${r.fairness.minMaxRatio})`,
        r.otherCpu === null ? '?' : pct(r.otherCpu),
        r.crash ? 'CRASH: ' + r.crash : r.violationCount ? `${r.violationCount}: ${r.violations.map((v) => v.kind).join(', ')}` : '0',
      ]),
      runs.map(({ r }) => r.violationCount > 0 || r.crash !== null),
    );
  }

  /** the caller loops: where a design cannot fail, its series is left out and the chart says so */
  function retryCharts() {
    const rc = data.cells.filter((c) => c.summary.retry);
    const canFail = (c) => c.summary.retry && c.summary.retry.canFail;
    const fixed = [...new Set(rc.filter((c) => !canFail(c)).map((c) => c.coords.design || c.config.design))];
    const cannot = fixed.length ? `${fixed.join(', ')}: cannot fail (one call; every loop takes 1 attempt and gives up never by construction) — not plotted` : '';
    const single = (f) => (c) => {
      const v = c.summary.retry ? f(c.summary.retry) : null;
      return v === null || v === undefined ? null : { median: v, min: v, max: v };
    };
    const x = xAxis ? xAxis.name : 'cell';
    lineChart('chart-retry-time', `Time to "every thread filtered", p99 vs ${x}`, 'µs', single((r) => (r.timeToSuccess ? Math.max(0.01, r.timeToSuccess.p99Us) : null)), { log: 'auto', subtitle: 'p99 of the merged HDR histogram of loop start → success (p50 in the tables)' });
    lineChart('chart-retry-giveups', `Give-ups (share of loops that ended) vs ${x}`, 'given up / ended', single((r) => r.giveUpRate), { keep: canFail, subtitle: cannot });
    lineChart('chart-retry-attempts', `Attempts per success, p99 vs ${x}`, 'attempts', single((r) => (r.attemptsPerSuccess ? r.attemptsPerSuccess.p99 : null)), { keep: canFail, subtitle: cannot });
    barChart(
      'chart-retry-growth',
      'Chain growth per success: the loop\'s filter on the caller, on each other thread, and threads given a composed node of their own',
      'filters (nodes) per success',
      [
        ['caller', 'callerFilters'],
        ['each other thread', 'otherThreadFilters'],
        ['threads given a composed node', 'composedThreads'],
      ].map(([label, key], i) => ({ label, data: data.cells.map((c) => (c.summary.retry && c.summary.retry.perSuccess ? c.summary.retry.perSuccess[key] : null)), backgroundColor: PALETTE[i] })),
    );
  }

  try {
    header();
    lineChart('chart-throughput', `Throughput: all ops/s vs ${xAxis ? xAxis.name : 'cell'} (median, band = min–max over repeats)`, 'ops/s', (c) => c.summary.opsPerSecond);
    lineChart('chart-tsync', `TSYNC calls/s vs ${xAxis ? xAxis.name : 'cell'}`, 'TSYNC/s', perSecond('tsync'));
    lineChart('chart-p99', `TSYNC latency p99 vs ${xAxis ? xAxis.name : 'cell'} (merged histogram; band = single runs)`, 'µs', p99Stat, { log: 'auto' });
    barChart(
      'chart-latency',
      'TSYNC latency percentiles per cell (merged HDR histograms)',
      'µs (log)',
      [
        ['p50', 'p50Us'],
        ['p90', 'p90Us'],
        ['p99', 'p99Us'],
        ['max', 'maxUs'],
      ].map(([label, key], i) => ({ label, data: data.cells.map((c) => (c.summary.latency ? Math.max(0.01, c.summary.latency[key]) : null)), backgroundColor: PALETTE[i] })),
      { log: true },
    );
    barChart(
      'chart-contention',
      'Lock contention rate per role (acquisitions that had to wait; median over repeats)',
      'contended / acquisitions (%)',
      roles.map((r, i) => ({ label: r, data: data.cells.map((c) => (c.summary.locks[r] ? c.summary.locks[r].contentionRate.median * 100 : 0)), backgroundColor: PALETTE[i] })),
    );
    barChart(
      'chart-wait',
      'Longest lock wait per role (max over repeats)',
      'µs (log)',
      roles.map((r, i) => ({ label: r, data: data.cells.map((c) => (c.summary.locks[r] ? Math.max(0.1, c.summary.locks[r].maxWaitUs) : null)), backgroundColor: PALETTE[i] })),
      { log: true },
    );
    barChart(
      'chart-kinds',
      'Ops/s by kind per cell (median over repeats)',
      'ops/s',
      kinds.map((k, i) => ({ label: k, data: data.cells.map((c) => perSecond(k)(c).median), backgroundColor: PALETTE[i % PALETTE.length] })),
      { stacked: true },
    );
    if (data.cells.some((c) => c.summary.retry)) retryCharts();
    tables();
    document.body.dataset.ready = String(charts.length);
  } catch (e) {
    document.body.dataset.ready = 'error';
    document.body.prepend(el('pre', { class: 'bad-banner' }, 'report error: ' + (e && e.stack ? e.stack : e)));
    console.error(e);
  }
})();
