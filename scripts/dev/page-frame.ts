// The dev page's frame: its styles, the status banner and findings shared by both pages, and the
// tiny inline script that keeps an open page up to date over Server-Sent Events.
import { escapeHtml } from '../../functions/core/message.js';
import { at, type Finding } from '../findings.js';
import type { DevState } from './builder.js';

export const e = escapeHtml;

const CSS = `
:root{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2421;background:#f4f1ec}
body{margin:0}main{max-width:1400px;margin:0 auto;padding:16px 20px 48px}a{color:#2d5a4c}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:24px 0 8px}.muted{color:#4f5753}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #dfe3e0}
.banner{border-radius:8px;padding:10px 14px;margin:10px 0}.ok{background:#e3f1ea}.broken{background:#fde8e8;border:2px solid #9b1c1c}
.findings{list-style:none;padding:0;margin:6px 0}.findings li{font:13px/1.4 ui-monospace,Menlo,monospace;padding:3px 0}
.error{color:#9b1c1c}.warning{color:#7a4b00}.frames{display:flex;gap:20px;overflow-x:auto;align-items:flex-start;padding-bottom:8px}
.frames figure{margin:0}.frames figcaption{font-size:13px;color:#4f5753;margin-bottom:4px}
iframe{border:1px solid #c9d1cc;background:#fff;display:block;height:900px}
pre{background:#fff;padding:12px;border:1px solid #dfe3e0;white-space:pre-wrap;max-width:80ch;font-size:13px}
.phones{display:flex;gap:20px;flex-wrap:wrap}.phone{width:375px;border-radius:28px;padding:22px 16px;background:linear-gradient(#3b4a60,#7a6a8a)}
.note{background:rgba(245,245,245,.92);border-radius:18px;padding:10px 14px;color:#111}
.app{font-size:12px;color:#555;display:flex;gap:6px;align-items:center;text-transform:uppercase}.app .when{margin-left:auto;text-transform:none}
.note p{margin:2px 0}.from{font-weight:600}.one{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.two{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.android .note{border-radius:12px;background:#fff;font-size:14px}.android .app{text-transform:none}
form.send{display:flex;gap:8px;flex-wrap:wrap;align-items:center}input[type=email]{font:inherit;padding:6px 8px;min-width:260px}
button{font:inherit;padding:6px 14px;border-radius:6px;border:0;background:#2d5a4c;color:#fff;cursor:pointer}`;

/**
 * Listens for new builds and patches the page in place: each `[data-part]` that changed is swapped,
 * an iframe gets its new srcdoc (only that frame reloads), and the page never reloads as a whole.
 */
const CLIENT = `(() => {
  let showing = Number(document.body.dataset.version);
  const fit = (f) => { try { const d = f.contentDocument; if (d && d.documentElement) f.style.height = d.documentElement.scrollHeight + 'px'; } catch (_) {} };
  const watchFrames = (root) => root.querySelectorAll('iframe').forEach((f) => { f.addEventListener('load', () => fit(f)); fit(f); });
  const parts = (root) => [...root.querySelectorAll('[data-part]')];
  async function refresh() {
    const next = new DOMParser().parseFromString(await (await fetch(location.href, { cache: 'no-store' })).text(), 'text/html');
    const main = document.querySelector('main'), fresh = next.querySelector('main');
    if (!fresh) return;
    const old = parts(main), now = parts(fresh);
    if (old.map((p) => p.dataset.part).join() !== now.map((p) => p.dataset.part).join()) {
      main.replaceWith(document.adoptNode(fresh));
      watchFrames(fresh);
    } else now.forEach((p, i) => {
      const o = old[i];
      if (o.outerHTML === p.outerHTML) return;
      if (o.tagName === 'IFRAME') o.setAttribute('srcdoc', p.getAttribute('srcdoc') || '');
      else o.replaceWith(document.adoptNode(p));
    });
    document.title = next.title;
    document.body.dataset.version = next.body.dataset.version;
    window.dispatchEvent(new CustomEvent('dev:updated', { detail: Number(next.body.dataset.version) }));
  }
  const events = new EventSource('/events');
  events.addEventListener('build', (ev) => { const v = Number(ev.data); if (v !== showing) { showing = v; refresh(); } });
  watchFrames(document);
})();`;

export function devPage(title: string, state: DevState, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)} · Let Go dev</title><style>${CSS}</style></head>
<body data-version="${state.version}"><main>${body}</main><script>${CLIENT}</script></body></html>`;
}

/** `part`: set where the list stands on its own in the page (parts are never nested). */
export function findingList(findings: Finding[], part?: string): string {
  const attr = part ? ` data-part="${part}"` : '';
  if (findings.length === 0) return `<ul class="findings"${attr}><li class="muted">No findings.</li></ul>`;
  return `<ul class="findings"${attr}>${findings.map((f) => `<li class="${f.level}">${e(f.file ? `${at(f.file, f.line)}: ` : '')}<strong>${f.level}</strong>: ${e(f.message)}</li>`).join('')}</ul>`;
}

/** Green when the latest change built; red with every error (file, line, what) when it did not. */
export function statusBanner(state: DevState): string {
  if (state.problems) {
    const shown = state.report ? `Showing the last build that worked${state.builtAt ? `, from ${state.builtAt.toLocaleTimeString('en-GB')}` : ''}.` : 'Nothing has built yet.';
    return `<section class="banner broken" role="alert" data-part="status"><strong>The latest change does not build.</strong> Fix it and save: this page updates by itself. ${e(shown)}
${findingList(state.problems)}</section>`;
  }
  const when = state.builtAt ? `Built at ${state.builtAt.toLocaleTimeString('en-GB')} in ${state.buildMs} ms` : 'Building…';
  return `<section class="banner ok" role="status" data-part="status">${e(when)}. Watching content/ and emails/: save a file and this page updates.${state.scoring ? ' Spam scores are on their way.' : ''}</section>`;
}
