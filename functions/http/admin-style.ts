/**
 * The console's own stylesheet, a second inline style whose hash the CSP
 * allows beside the reader pages' (http/pages.ts). Phone first; wider on a
 * desktop, with tables that scroll sideways rather than squeeze.
 */
export const ADMIN_CSS = `:root{--alt:#8a5a00}@media (prefers-color-scheme:dark){:root{--alt:#e6b661}}main.wide{max-width:72rem}nav.admin{display:flex;flex-wrap:wrap;align-items:center;gap:0 1.25rem;margin:.5rem 0 .5rem}
nav.admin a{display:inline-block;padding:.6rem 0;min-height:44px}nav.admin a[aria-current=page]{font-weight:700;color:var(--fg);text-decoration:none}
nav.admin form{margin-left:auto}nav.admin button{width:auto;min-height:44px;margin:0;padding:.4rem 1rem}
.stats{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));margin:1rem 0}.stat{background:var(--card);border-radius:12px;padding:.9rem 1rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.stat b{display:block;font-size:1.7rem;line-height:1.2}.stat span{color:var(--muted);font-size:.92rem}
.scroll{overflow-x:auto;margin-top:.75rem}table{border-collapse:collapse;width:100%;font-size:.92rem;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{padding:.4rem .5rem;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}th:first-child,td:first-child,td.text{text-align:left}tbody th{white-space:nowrap}th.lesson{white-space:normal;min-width:12rem}td.id{word-break:break-all;min-width:9rem}thead th{border-bottom:2px solid var(--muted)}
figure.chart{margin:.75rem 0}.key{margin:0 0 .3rem;font-size:.92rem}.swatch{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 .5rem;vertical-align:-.05rem}.swatch:first-child{margin-left:0}
.swatch.bar{background:var(--accent)}.swatch.alt{background:var(--alt)}.swatch.left{background:var(--err)}svg{display:block;width:100%}svg.columns{height:9rem}svg.gauge{height:1.6rem}svg.bar-row{height:1rem}svg.heat-row{height:1.1rem}
rect.bar{fill:var(--accent)}rect.alt{fill:var(--alt)}rect.left{fill:var(--err)}rect.heat{fill:var(--accent)}rect.track{fill:var(--line)}.axis,.mark{stroke:var(--fg);stroke-width:2}
.range{display:flex;justify-content:space-between;margin:.2rem 0 0;font-size:.85rem;color:var(--muted)}ol.bars{list-style:none;margin:0;padding:0}
ol.bars li{display:grid;grid-template-columns:5.5rem 1fr 2.5rem;gap:.5rem;align-items:center;min-height:1.45rem;font-size:.85rem}ol.bars li span:last-child{text-align:right}details{margin-top:.5rem}summary{cursor:pointer;min-height:44px;padding:.6rem 0;color:var(--accent)}
blockquote{margin:.4rem 0;padding:.2rem 0 .2rem .75rem;border-left:3px solid var(--line)}.warn{background:var(--card);border-left:4px solid var(--err);padding:.75rem 1rem;border-radius:8px}
.row-form{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end}.row-form label{flex:1 1 14rem;margin-top:0}.row-form button{width:auto;flex:0 0 auto;margin-top:0}`;
