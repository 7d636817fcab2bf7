/**
 * The dashboard's one stylesheet: system fonts, readable on a phone, dark mode following the
 * system preference. Colours meet WCAG AA contrast in both schemes (checked by axe in e2e tests).
 */
export const STYLES = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1f24; --muted: #4d5560; --line: #d0d7de;
  --panel: #f6f8fa; --accent: #0a58ca; --pass: #116329; --fail: #a40e26; --warn: #7a4a00; --info: #33506e; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --panel: #161b22;
    --accent: #6cb6ff; --pass: #56d364; --fail: #ff7b72; --warn: #e3b341; --info: #9ecbff; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
a { color: var(--accent); }
header { border-bottom: 1px solid var(--line); background: var(--panel); }
header nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; max-width: 72rem; margin: 0 auto; padding: .6rem 1rem; }
header .brand { font-weight: 700; margin-right: auto; color: var(--fg); text-decoration: none; }
header nav a[aria-current="page"] { font-weight: 700; text-decoration: none; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
form.card, section.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 0 0 1rem; }
.fields { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-end; }
label, .field { display: flex; flex-direction: column; font-weight: 600; font-size: .9rem; gap: .2rem; max-width: 100%; }
textarea { font: inherit; font-family: ui-monospace, monospace; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); max-width: 100%; }
input, select, button { font: inherit; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); min-width: 0; max-width: 100%; }
button { background: var(--accent); color: var(--bg); border-color: var(--accent); font-weight: 600; cursor: pointer; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.data, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
strong { overflow-wrap: anywhere; }
td pre { white-space: pre-wrap; }
.field .hint { font-weight: 400; max-width: 28rem; }
/* Tables of long evidence read as stacked rows on a phone, each cell under its column's name. */
@media (max-width: 40rem) {
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: auto; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack tr { border-bottom: 1px solid var(--line); padding: .4rem 0; }
  table.stack td { border: 0; padding: .15rem 0; }
  table.stack td::before { content: attr(data-label); display: block; font-weight: 600; font-size: .8rem; }
}
figure { margin: 0; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; overflow-x: auto; white-space: pre; word-break: normal; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; border: 1px solid currentColor; font-size: .8rem; font-weight: 700; text-transform: uppercase; }
.pass { color: var(--pass); } .fail { color: var(--fail); } .warning { color: var(--warn); } .info { color: var(--info); } .unknown { color: var(--muted); }
.muted { color: var(--muted); }
.error { border: 2px solid var(--fail); border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1rem; }
.score { font-size: 2rem; font-weight: 700; }
ul.plain { list-style: none; padding: 0; margin: .25rem 0; }
table.nowrap td { white-space: nowrap; word-break: normal; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 1rem; }
`
