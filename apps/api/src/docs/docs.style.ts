// The page's stylesheet, served from /api/docs/docs.css: the CSP (style-src 'self') refuses inline styles.
// System colours follow prefers-color-scheme; nothing is wider than the viewport at 360 px (tables and code
// scroll inside their own box).

export const DOCS_CSS = `:root {
  color-scheme: light dark;
  --bg: #ffffff;
  --fg: #1b1f24;
  --muted: #57606a;
  --line: #d0d7de;
  --panel: #f6f8fa;
  --link: #0a58ca;
  --get: #1a7f37;
  --post: #0550ae;
  --delete: #b42318;
  --put: #9a6700;
  --patch: #8250df;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117;
    --fg: #e6edf3;
    --muted: #9aa4af;
    --line: #30363d;
    --panel: #161b22;
    --link: #6cb6ff;
    --get: #3fb950;
    --post: #58a6ff;
    --delete: #ff7b72;
    --put: #d29922;
    --patch: #bc8cff;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--bg);
  color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  overflow-wrap: break-word;
}
a { color: var(--link); }
code, pre {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.875em;
  overflow-wrap: anywhere;
}
pre {
  margin: 0.25rem 0 0.75rem;
  padding: 0.75rem;
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: 6px;
  white-space: pre-wrap;
  overflow-x: auto;
}
.top { padding: 1rem; border-bottom: 1px solid var(--line); }
.top h1 { margin: 0; font-size: 1.5rem; }
.top p { margin: 0.25rem 0 0; color: var(--muted); }
.version { font-size: 1rem; color: var(--muted); font-weight: normal; }
.layout { display: block; max-width: 80rem; margin: 0 auto; }
.contents { padding: 0 1rem; border-bottom: 1px solid var(--line); }
.contents ul { list-style: none; padding-left: 0; margin: 0.25rem 0; }
.contents ul ul { padding-left: 0.75rem; font-size: 0.875rem; }
.contents a { text-decoration: none; }
main { padding: 0 1rem 3rem; min-width: 0; }
h2 { margin-top: 2rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 0.25rem; }
h4 { margin: 1rem 0 0.25rem; font-size: 0.95rem; }
.route { margin: 1.5rem 0; padding: 1rem; border: 1px solid var(--line); border-radius: 8px; }
.route .summary { margin: 0 0 0.5rem; font-weight: 600; }
.anchor { margin-right: 0.5rem; color: var(--muted); text-decoration: none; }
.path { font-size: 1rem; }
.method {
  display: inline-block;
  min-width: 4.2em;
  padding: 0 0.35em;
  border-radius: 4px;
  font: 700 0.75rem/1.6 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  text-align: center;
  color: var(--bg);
  background: var(--muted);
}
.method.get { background: var(--get); }
.method.post { background: var(--post); }
.method.delete { background: var(--delete); }
.method.put { background: var(--put); }
.method.patch { background: var(--patch); }
.status { font-weight: 700; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.status.s2, .status.s1 { color: var(--get); }
.status.s3 { color: var(--put); }
.status.s4, .status.s5 { color: var(--delete); }
.required, .bounds, .example { color: var(--muted); font-size: 0.8rem; }
.auth { color: var(--muted); }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { padding: 0.35rem 0.5rem; border: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--panel); }
details { margin: 0.25rem 0; }
summary { cursor: pointer; }
figure { margin: 0.5rem 0; }
figcaption { color: var(--muted); font-size: 0.85rem; }
.media-type { margin: 0.5rem 0 0; color: var(--muted); }
ul.headers { margin: 0.25rem 0; }
:target { scroll-margin-top: 1rem; }
article:target, details:target { outline: 2px solid var(--link); outline-offset: 2px; }
/* narrow screens: each row as labelled lines, and the contents by group only */
@media (max-width: 40rem) {
  table, thead, tbody, tr, th, td { display: block; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 0.5rem; }
  td { border: 0; padding: 0.2rem 0.5rem; }
  td::before {
    content: attr(data-label);
    display: inline-block;
    min-width: 5.5rem;
    color: var(--muted);
    font-size: 0.75rem;
  }
}
@media (max-width: 59.99rem) {
  .contents ul ul { display: none; }
}
@media (min-width: 60rem) {
  .layout { display: grid; grid-template-columns: 18rem minmax(0, 1fr); }
  .contents {
    position: sticky;
    top: 0;
    align-self: start;
    max-height: 100vh;
    overflow-y: auto;
    border-bottom: 0;
    border-right: 1px solid var(--line);
  }
}
`;
