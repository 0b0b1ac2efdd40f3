/**
 * Dark mode as the dev page shows it. A browser applies `@media (prefers-color-scheme: dark)` only
 * when the whole page is dark (Chromium emulates the media feature per page, not per iframe), so the
 * page shows a copy of the email with its own dark-mode rules taken out of their @media blocks and
 * appended unconditionally: what Apple Mail and iOS show a reader whose phone is in dark mode.
 */
const DARK_MEDIA = /@media[^{]*prefers-color-scheme\s*:\s*dark[^{]*\{/gi;

/** The rules inside every dark-mode @media block of the email's <style> elements, in order. */
export function darkRules(html: string): string {
  const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1] ?? '');
  return styles.flatMap((css) => [...css.matchAll(DARK_MEDIA)].map((m) => {
    // The block ends at the brace that closes the one the match opened.
    let depth = 1;
    let i = (m.index ?? 0) + m[0].length;
    const start = i;
    for (; i < css.length && depth > 0; i++) {
      if (css[i] === '{') depth++;
      else if (css[i] === '}') depth--;
    }
    return css.slice(start, i - 1).trim();
  })).filter(Boolean).join('\n');
}

/** The email with its dark rules always on; undefined when it has none (clients then invert it their own way). */
export function darkCopy(html: string): string | undefined {
  const rules = darkRules(html);
  if (!rules) return undefined;
  const style = `<style data-dev="dark">:root { color-scheme: dark; }\n${rules}</style>`;
  return /<\/head>/i.test(html) ? html.replace(/<\/head>/i, `${style}</head>`) : `${style}${html}`;
}
