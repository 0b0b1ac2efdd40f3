/**
 * The console's own stylesheet, a second inline style whose hash the CSP
 * allows beside the reader pages' (http/pages.ts). Phone first; wider on a
 * desktop, with tables that scroll sideways rather than squeeze.
 */
export const ADMIN_CSS = `main.wide{max-width:64rem}nav.admin{display:flex;flex-wrap:wrap;align-items:center;gap:0 1.25rem;margin:.5rem 0 .5rem}
nav.admin a{display:inline-block;padding:.6rem 0;min-height:44px}nav.admin a[aria-current=page]{font-weight:700;color:var(--fg);text-decoration:none}
nav.admin form{margin-left:auto}nav.admin button{width:auto;min-height:44px;margin:0;padding:.4rem 1rem}
.stats{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));margin:1rem 0}.stat{background:var(--card);border-radius:12px;padding:.9rem 1rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.stat b{display:block;font-size:1.7rem;line-height:1.2}.stat span{color:var(--muted);font-size:.92rem}
.scroll{overflow-x:auto;margin-top:.75rem}table{border-collapse:collapse;width:100%;font-size:.92rem;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{padding:.4rem .5rem;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}th:first-child,td:first-child,td.text{text-align:left}thead th{border-bottom:2px solid var(--muted)}
svg{display:block;width:100%;height:auto;margin-top:.5rem;overflow:visible}svg text{fill:var(--fg);font:12px system-ui,sans-serif}
.bar{fill:var(--accent)}.alt{fill:var(--muted)}.left{fill:var(--err)}.heat{fill:var(--accent)}.track{fill:var(--line)}.axis,.mark{stroke:var(--fg);stroke-width:1.5}
.peak{font-size:11px}details{margin-top:.5rem}summary{cursor:pointer;min-height:44px;padding:.6rem 0;color:var(--accent)}
blockquote{margin:.4rem 0;padding:.2rem 0 .2rem .75rem;border-left:3px solid var(--line)}.warn{background:var(--card);border-left:4px solid var(--err);padding:.75rem 1rem;border-radius:8px}
.row-form{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end}.row-form label{flex:1 1 14rem;margin-top:0}.row-form button{width:auto;flex:0 0 auto;margin-top:0}`;
