/** Where the reference page's stylesheet is served. */
export const DOCS_CSS_PATH = '/docs/docs.css'

/** The stylesheet of the page (served from DOCS_CSS_PATH, so the CSP needs no inline styles). */
export const DOCS_CSS = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;--code:#f3f4f6;--accent:#0a58ca}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9da7b3;--line:#30363d;--code:#161b22;--accent:#6cb6ff}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
.skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem;z-index:1}
header{padding:1.5rem 2rem;border-bottom:1px solid var(--line)}
h1{margin:0 0 .5rem}.version{font-size:1rem;color:var(--muted)}
.layout{display:grid;grid-template-columns:minmax(14rem,20rem) 1fr}
nav{padding:1rem 1.5rem;border-right:1px solid var(--line);font-size:.9rem}
nav ul{list-style:none;margin:0;padding:0}nav>ul>li{margin:.75rem 0 0;font-weight:600}nav ul ul li{font-weight:400;margin:.2rem 0}
main{padding:1rem 2rem;min-width:0}
h2{border-bottom:1px solid var(--line);padding-bottom:.25rem;margin-top:2rem}
.op{border:1px solid var(--line);border-radius:6px;padding:.25rem 1rem 1rem;margin:1rem 0}
h3{font-size:1.1rem;overflow-wrap:anywhere}
.method{display:inline-block;min-width:4.2em;font:600 .8rem ui-monospace,monospace;text-transform:uppercase}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--code);padding:.1em .3em;border-radius:4px;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:.75rem 0;font-size:.9rem;display:block;overflow-x:auto}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--code)}
@media (max-width:50rem){.layout{display:block}nav{border-right:0;border-bottom:1px solid var(--line)}}
`
