/*
 * A small line chart of events and failovers per interval, drawn as SVG at the container's pixel
 * width (so its labels keep their size from a 360 px phone to a wide screen), with a text summary
 * and a data table as its accessible alternative.
 */

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 220;
const MARGIN = { top: 14, right: 16, bottom: 30, left: 56 };
/** Below this the axis labels would overlap; narrower containers scroll instead. */
const MIN_WIDTH = 280;
/** Below this plot width a middle label would run into the labels at the ends (dates take ~110 px). */
const MIDDLE_LABEL_WIDTH = 400;
const DAY_MS = 86_400_000;
const counts = new Intl.NumberFormat();
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndClock = new Intl.DateTimeFormat(undefined,
  { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/** The smallest 1, 2 or 5 × 10^k at or above max, so the gridlines fall on round numbers. */
function niceCeiling(max) {
  if (max <= 1) {
    return 1;
  }
  const magnitude = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((step) => step * magnitude).find((candidate) => candidate >= max);
}

/** Gridlines at 0, the top and the middle when the middle is a whole number of events. */
function ticks(top) {
  return Number.isInteger(top / 2) ? [0, top / 2, top] : [0, top];
}

/** From a day on, the same clock time occurs twice in a range: the labels need the date. */
function timeLabel(spanMs) {
  return spanMs >= DAY_MS ? dayAndClock : clock;
}

function geometry(width, buckets) {
  const plot = {
    left: MARGIN.left, top: MARGIN.top,
    width: width - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom,
  };
  const top = niceCeiling(Math.max(0, ...buckets.map((b) => b.totalEvents)));
  const last = Math.max(buckets.length - 1, 1);
  return {
    plot, top,
    x: (index) => plot.left + (index * plot.width) / last,
    y: (value) => plot.top + plot.height - (value * plot.height) / top,
  };
}

function yAxis(root, { plot, top, y }) {
  for (const value of ticks(top)) {
    root.append(svg('line', { class: 'grid', x1: plot.left, x2: plot.left + plot.width, y1: y(value), y2: y(value) }));
    root.append(svg('text', { class: 'tick', x: plot.left - 6, y: y(value), 'text-anchor': 'end',
      'dominant-baseline': 'middle' }, counts.format(value)));
  }
  root.append(svg('text', { class: 'axis-title', transform: `translate(14 ${plot.top + plot.height / 2}) rotate(-90)`,
    'text-anchor': 'middle' }, 'events'));
}

/** Three time labels where they fit (first, middle, last), only the two ends on a narrow screen. */
function xAxis(root, buckets, format, { plot, x }) {
  const baseline = plot.top + plot.height;
  root.append(svg('line', { class: 'axis', x1: plot.left, x2: plot.left + plot.width, y1: baseline, y2: baseline }));
  const last = buckets.length - 1;
  const labels = plot.width >= MIDDLE_LABEL_WIDTH
    ? [[0, 'start'], [Math.floor(last / 2), 'middle'], [last, 'end']]
    : [[0, 'start'], [last, 'end']];
  for (const [index, anchor] of labels) {
    root.append(svg('text', { class: 'tick', x: x(index), y: baseline + 18, 'text-anchor': anchor },
      format.format(new Date(buckets[index].start))));
  }
}

function line(root, buckets, field, className, { x, y }) {
  const points = buckets.map((b, index) => `${x(index).toFixed(1)},${y(b[field]).toFixed(1)}`).join(' ');
  root.append(svg('polyline', { class: `line ${className}`, points }));
}

/** One sentence a screen reader (or anyone) can take in instead of the picture. */
function describe({ buckets, to }, format) {
  const events = buckets.reduce((sum, b) => sum + b.totalEvents, 0);
  const failovers = buckets.reduce((sum, b) => sum + b.failoverEvents, 0);
  let text = `${counts.format(events)} events and ${counts.format(failovers)} failovers`
    + ` from ${format.format(new Date(buckets[0].start))} to ${format.format(new Date(to))}.`;
  if (events > 0) {
    const busiest = buckets.reduce((best, b) => (b.totalEvents > best.totalEvents ? b : best));
    text += ` The busiest interval, from ${format.format(new Date(busiest.start))},`
      + ` had ${counts.format(busiest.totalEvents)} events and ${counts.format(busiest.failoverEvents)} failovers.`;
  }
  return text;
}

function dataRows(buckets, format) {
  return buckets.map((b) => {
    const row = document.createElement('tr');
    const start = document.createElement('th');
    start.scope = 'row';
    start.textContent = format.format(new Date(b.start));
    row.append(start);
    for (const value of [b.totalEvents, b.failoverEvents, b.successfulRecoveries]) {
      const cell = document.createElement('td');
      cell.textContent = counts.format(value);
      row.append(cell);
    }
    return row;
  });
}

/**
 * Draws `series` (a /api/v1/metrics/timeseries answer) into `chart`, writes the summary sentence
 * into `summary` and one row per bucket into the body of `table`.
 */
export function renderChart({ chart, summary, table }, series, spanMs) {
  const { buckets } = series;
  if (buckets.length === 0) {
    chart.replaceChildren();
    summary.textContent = 'No data for this range.';
    table.tBodies[0].replaceChildren();
    return;
  }
  const format = timeLabel(spanMs);
  const width = Math.max(chart.clientWidth, MIN_WIDTH);
  const layout = geometry(width, buckets);
  const root = svg('svg', { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img',
    'aria-labelledby': 'chart-svg-title', 'aria-describedby': summary.id });
  root.append(svg('title', { id: 'chart-svg-title' }, 'Events and failovers over time'));
  yAxis(root, layout);
  xAxis(root, buckets, format, layout);
  line(root, buckets, 'totalEvents', 'events', layout);
  line(root, buckets, 'failoverEvents', 'failovers', layout);
  chart.replaceChildren(root);
  summary.textContent = describe(series, format);
  table.tBodies[0].replaceChildren(...dataRows(buckets, format));
}
