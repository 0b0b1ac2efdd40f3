import { html, raw } from 'hono/html';

/**
 * The console's charts: inline SVG drawn on the server, no script, coloured
 * by the stylesheet's classes (so dark mode follows). The SVG holds only the
 * shapes and stretches to any width; every word and number is HTML around
 * it, so a phone shows them at a readable size. The page puts the same
 * figures in a table as well.
 */
type Html = ReturnType<typeof html>;
const round = (n: number) => Math.round(n * 100) / 100;
const svg = (viewBox: string, shapes: string, className: string) =>
  raw(`<svg class="${className}" viewBox="${viewBox}" preserveAspectRatio="none" aria-hidden="true" focusable="false">${shapes}</svg>`);

/** Vertical bars, one group per label (sign-ups and confirmations per day), with a key and the range in words. */
export function columnChart(label: string, labels: string[], series: Array<{ name: string; values: number[]; className: string }>): Html {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = 100 / Math.max(1, labels.length);
  const width = (slot * 0.8) / series.length;
  const bars = series.flatMap((s, k) =>
    s.values.map((value, i) => `<rect class="${s.className}" x="${round(i * slot + slot * 0.1 + k * width)}" y="${round(100 - value * (100 / max))}" width="${round(width)}" height="${round(value * (100 / max))}"></rect>`),
  );
  return html`<figure class="chart" role="img" aria-label="${label}"><p class="key" aria-hidden="true">${series.map((s) => html`<span class="swatch ${s.className}"></span>${s.name} `)}<span class="hint">(highest: ${max} a day)</span></p>
${svg('0 0 100 100', `${bars.join('')}<line class="axis" x1="0" y1="100" x2="100" y2="100" vector-effect="non-scaling-stroke"></line>`, 'columns')}
<p class="range" aria-hidden="true"><span>${labels[0] ?? ''}</span><span>${labels.at(-1) ?? ''}</span></p></figure>`;
}

/** One bar per row: a total with a part of it marked (readers a lesson reached, and those who left there). */
export function barRows(label: string, rows: Array<{ name: string; total: number; part: number }>, partName: string): Html {
  const max = Math.max(1, ...rows.map((r) => r.total));
  return html`<figure class="chart" role="img" aria-label="${label}"><p class="key" aria-hidden="true"><span class="swatch bar"></span>reached <span class="swatch left"></span>${partName}</p>
<ol class="bars" aria-hidden="true">${rows.map((r) => html`<li><span>${r.name}</span>${svg('0 0 100 10', `<rect class="track" width="100" height="10"></rect><rect class="bar" width="${round((r.total * 100) / max)}" height="10"></rect><rect class="left" width="${round((r.part * 100) / max)}" height="10"></rect>`, 'bar-row')}<span>${r.total}</span></li>`)}</ol></figure>`;
}

/** A grid of shares from 0 to 1 (sign-up weeks by lesson), darker for more; one row per week. */
export function heatGrid(label: string, rows: Array<{ name: string; shares: Array<number | null> }>, lessons: number): Html {
  return html`<figure class="chart" role="img" aria-label="${label}"><p class="key" aria-hidden="true">Lessons 1 to ${lessons}, left to right; the darker, the more of the week’s readers reached it.</p>
<ol class="bars" aria-hidden="true">${rows.map((r) => html`<li><span>${r.name}</span>${svg(`0 0 ${lessons} 1`, r.shares.map((share, j) => (share === null ? '' : `<rect class="heat" x="${j + 0.05}" y="0.05" width="0.9" height="0.9" fill-opacity="${round(0.06 + 0.94 * share)}"></rect>`)).join(''), 'heat-row')}<span></span></li>`)}</ol></figure>`;
}

/** A rate against its lines (our breaker, SES's review and pause), on a scale up to the highest line. */
export function rateGauge(label: string, value: number, lines: Array<{ name: string; at: number }>): Html {
  const max = Math.max(value, ...lines.map((l) => l.at)) * 1.1;
  const x = (n: number) => round((100 * n) / max);
  const over = value > (lines[0]?.at ?? Infinity);
  const marks = lines.map((l) => `<line class="mark" x1="${x(l.at)}" y1="0" x2="${x(l.at)}" y2="10" vector-effect="non-scaling-stroke"></line>`);
  return html`<figure class="chart" role="img" aria-label="${label}"><p class="key" aria-hidden="true">${label}</p>
${svg('0 0 100 10', `<rect class="track" y="2" width="100" height="6"></rect><rect class="${over ? 'left' : 'bar'}" y="2" width="${x(value)}" height="6"></rect>${marks.join('')}`, 'gauge')}
<p class="hint" aria-hidden="true">The marks: ${lines.map((l) => l.name).join('; ')}.</p></figure>`;
}
