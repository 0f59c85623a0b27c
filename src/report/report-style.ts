/** The CSS of report.html (inline) and of the case pages (cases/case.css, which each links). */
export const REPORT_CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1300px;padding:12px 16px;color:#222}
h1{font-size:20px;margin:4px 0}h2{font-size:17px;margin-top:22px;border-bottom:1px solid #ddd}h3{font-size:15px}h4{margin:12px 0 4px}
a{color:#0b57a8}table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.muted{color:#777}.mono,pre{font-family:ui-monospace,monospace;font-size:12px}
pre{background:#f7f7f7;padding:6px;overflow:auto;max-height:360px;white-space:pre-wrap}
.v{display:inline-block;padding:0 7px;border-radius:9px;font-weight:600;font-size:12px;white-space:nowrap}
.v-pass,.c-pass{background:#c9ecd0;color:#124d1c}.v-fail,.c-fail{background:#f7c4c4;color:#7a0c0c}.v-error,.c-error{background:#fbd8a8;color:#6b3a00}
.v-inconclusive,.c-inconclusive{background:#fbeea0;color:#5e4d00}.v-not-applicable,.c-not-applicable{background:#e4e4e4;color:#555}
.v-known,.c-known{background:#d6d6e8;color:#333}.v-should{background:#fde3b0;color:#6b4a00}.v-skipped{background:#eee;color:#777}
td.z{color:#bbb;background:none}td.n{text-align:right;min-width:22px}
.ev{display:grid;grid-template-columns:1fr 1fr;gap:10px}.ev>div{min-width:0}.seqwrap{overflow:auto;border:1px solid #eee;margin:8px 0}
table.grid td,table.grid th{padding:1px 5px;font-size:13px}table.grid td.c{font-weight:600;font-size:12px;white-space:nowrap}
.chip{display:inline-block;width:11px;height:11px;margin:1px;border-radius:2px;vertical-align:middle;text-decoration:none}
.filters{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid #ddd;z-index:1}
.filters label{margin-right:10px}.filters input[type=search]{width:260px}
ol.failures{padding-left:24px}ol.failures li{margin:4px 0 8px}.why{font-family:ui-monospace,monospace;font-size:12px;color:#5a1010;word-break:break-word}
.clause{font-size:13px;color:#444}
table.steps td.mono{white-space:nowrap}
section.lazy{content-visibility:auto;contain-intrinsic-size:auto 8000px}
`;
