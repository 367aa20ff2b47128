/**
 * The pages' stylesheet, served as a file (/pages/assets/pages.css): Helmet's CSP refuses inline
 * styles in markup we write. Kept in TypeScript so that the build carries it with the code.
 */
export const PAGES_CSS = `
:root { --ink: #1d2433; --muted: #5b6475; --line: #d9dee7; --accent: #2456a6; --ok: #1d7a46; --bad: #b3261e; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f7fb; }
header.top { display: flex; justify-content: space-between; align-items: center; padding: 10px 24px; background: #fff; border-bottom: 1px solid var(--line); }
.brand { font-weight: 600; }
nav { display: flex; gap: 16px; align-items: center; }
.who { color: var(--muted); }
main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 24px; margin: 8px 0 16px; }
h2 { font-size: 18px; margin: 28px 0 8px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
caption { text-align: left; font-weight: 600; padding: 4px 0 8px; }
.notice { padding: 10px 14px; border-radius: 6px; }
.notice.ok { background: #e7f5ec; color: var(--ok); }
.notice.refused { background: #fdecea; color: var(--bad); }
.tag { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #eef1f6; }
.tag.overdue-or-escalated, .tag.bad { background: #fdecea; color: var(--bad); }
.tag.at-risk { background: #fff4d6; color: var(--warn); }
.tag.waiting-on-csm { background: #e6eefb; color: var(--accent); }
.tag.on-track, .tag.done { background: #e7f5ec; color: var(--ok); }
.muted { color: var(--muted); }
form.inline { display: inline; }
form.action { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; margin: 4px 0; }
input[type=text], input[type=password], input[type=date], select, textarea { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; }
button { font: inherit; padding: 4px 12px; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
nav button { background: #fff; color: var(--accent); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
.chart svg { max-width: 100%; height: auto; }
.stages { list-style: none; padding: 0; display: flex; gap: 8px; flex-wrap: wrap; }
.stages li { flex: 1 1 150px; padding: 8px 10px; border-radius: 6px; border: 1px solid var(--line); background: #fafbfd; }
.stages li.done { border-color: #b9dfc7; background: #f1faf4; }
.stages li.current { border-color: var(--accent); background: #eef3fc; }
.next { font-size: 17px; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; }
input[type=number] { font: inherit; width: 6em; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; }
.choices { margin: 6px 0; }
.choice { display: inline-block; margin: 2px 12px 2px 0; }
textarea#definition { width: 100%; font: 13px/1.4 ui-monospace, monospace; }
tr.day-start td { border-top: 2px solid var(--line); }
pre.mermaid { background: #fff; text-align: center; }
.notice.warn { background: #fff4d6; color: var(--warn); }
form.filters { display: flex; gap: 10px 14px; flex-wrap: wrap; align-items: flex-end; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; margin-bottom: 16px; }
form.filters label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); gap: 2px; }
section form.filters { border: 0; padding: 0; margin: 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: #fafbfd; display: flex; flex-direction: column; }
.figure .label { font-size: 13px; color: var(--muted); }
.figure .value { font-size: 24px; font-weight: 600; }
.figure .note { font-size: 12px; }
.flag { background: #fdecea; color: var(--bad); border-left: 4px solid var(--bad); padding: 8px 12px; border-radius: 4px; margin: 6px 0; }
.no-flag { background: #e7f5ec; color: var(--ok); border-left: 4px solid var(--ok); padding: 8px 12px; border-radius: 4px; }
table.compact td, table.compact th { padding: 2px 8px; }
.checklist { list-style: none; padding: 0; margin: 0; }
.checklist li { padding: 8px 0; border-bottom: 1px solid var(--line); }
.checklist .tag { min-width: 64px; text-align: center; margin-right: 6px; }
.tag.pass { background: #e7f5ec; color: var(--ok); }
.tag.fail { background: #fdecea; color: var(--bad); }
.tag.unknown { background: #eef1f6; color: var(--muted); }
`;
