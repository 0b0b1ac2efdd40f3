import { html, raw } from 'hono/html';

/**
 * The console's charts: inline SVG drawn on the server, no script, coloured
 * by the stylesheet's classes (so dark mode follows). Each is an image with a
 * text alternative; the page puts the same figures in a table beside it.
 */
type Html = ReturnType<typeof html>;
const round = (n: number) => Math.round(n * 10) / 10;

/** Vertical bars, one group per label (e.g. sign-ups and confirmations per day). */
export function columnChart(label: string, labels: string[], series: Array<{ name: string; values: number[]; className: string }>): Html {
  const width = 640;
  const height = 180;
  const base = height - 24;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = width / Math.max(1, labels.length);
  const bar = Math.max(1, (slot - 2) / series.length);
  const bars = series.flatMap((s, k) =>
    s.values.map((value, i) => {
      const h = (value / max) * (base - 8);
      return `<rect class="${s.className}" x="${round(i * slot + 1 + k * bar)}" y="${round(base - h)}" width="${round(bar)}" height="${round(h)}"></rect>`;
    }),
  );
  // A few date labels, not all: a phone has no room for 28.
  const every = Math.ceil(labels.length / 7);
  const ticks = labels.flatMap((text, i) => (i % every === 0 ? [`<text x="${round(i * slot + slot / 2)}" y="${height - 6}" text-anchor="middle">${text}</text>`] : []));
  const legend = series.map((s, k) => `<rect class="${s.className}" x="${k * 150}" y="0" width="12" height="12"></rect><text x="${k * 150 + 18}" y="11">${s.name}</text>`);
  return html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}" preserveAspectRatio="none">${raw(
    `<line class="axis" x1="0" y1="${base}" x2="${width}" y2="${base}"></line>${bars.join('')}${ticks.join('')}<g transform="translate(${width - 300},0)">${legend.join('')}</g>`,
  )}<text class="peak" x="0" y="11">${`peak ${max}`}</text></svg>`;
}

/** One horizontal bar per row: a total with a part marked (readers reached, and those who left there). */
export function barRows(label: string, rows: Array<{ name: string; total: number; part: number }>): Html {
  const width = 640;
  const rowHeight = 22;
  const labelWidth = 56;
  const max = Math.max(1, ...rows.map((r) => r.total));
  const scale = (n: number) => ((width - labelWidth - 60) * n) / max;
  const body = rows.map((r, i) => {
    const y = i * rowHeight;
    return `<text x="0" y="${y + 15}">${r.name}</text><rect class="bar" x="${labelWidth}" y="${y + 3}" width="${round(scale(r.total))}" height="${rowHeight - 6}"></rect>` +
      `<rect class="left" x="${labelWidth}" y="${y + 3}" width="${round(scale(r.part))}" height="${rowHeight - 6}"></rect>` +
      `<text x="${round(labelWidth + scale(r.total) + 6)}" y="${y + 15}">${r.total}</text>`;
  });
  return html`<svg viewBox="0 0 ${width} ${rows.length * rowHeight}" role="img" aria-label="${label}">${raw(body.join(''))}</svg>`;
}

/** A grid of shares from 0 to 1 (cohort weeks by lesson), darker for more. */
export function heatGrid(label: string, rows: Array<{ name: string; shares: Array<number | null> }>, columns: string[]): Html {
  const cell = 24;
  const labelWidth = 80;
  const width = labelWidth + columns.length * cell;
  const body = rows.map((r, i) =>
    `<text x="0" y="${(i + 1) * cell + 16}">${r.name}</text>` +
    r.shares.map((share, j) => (share === null ? '' : `<rect class="heat" x="${labelWidth + j * cell + 1}" y="${(i + 1) * cell + 1}" width="${cell - 2}" height="${cell - 2}" fill-opacity="${round(0.08 + 0.92 * share)}"></rect>`)).join(''),
  );
  const head = columns.map((c, j) => `<text x="${labelWidth + j * cell + cell / 2}" y="16" text-anchor="middle">${c}</text>`);
  return html`<svg viewBox="0 0 ${width} ${(rows.length + 1) * cell}" role="img" aria-label="${label}">${raw(head.join('') + body.join(''))}</svg>`;
}

/** A rate against its lines (our breaker, SES's review and pause), on a scale up to the highest line. */
export function rateGauge(label: string, value: number, lines: Array<{ name: string; at: number }>): Html {
  const width = 640;
  const max = Math.max(value, ...lines.map((l) => l.at)) * 1.1;
  const x = (n: number) => round(((width - 20) * n) / max);
  const marks = lines.map((l, i) => `<line class="mark" x1="${x(l.at)}" y1="14" x2="${x(l.at)}" y2="46"></line><text x="${x(l.at)}" y="${i % 2 ? 60 : 10}" text-anchor="middle">${l.name}</text>`);
  return html`<svg viewBox="0 0 ${width} 64" role="img" aria-label="${label}">${raw(`<rect class="track" x="0" y="20" width="${width - 20}" height="20"></rect><rect class="${value >= (lines[0]?.at ?? Infinity) ? 'left' : 'bar'}" x="0" y="20" width="${x(value)}" height="20"></rect>${marks.join('')}`)}</svg>`;
}
