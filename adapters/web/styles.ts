/**
 * The one stylesheet, inlined with a CSP nonce (no build step, no external requests).
 * Mobile first; text #0b0c0c on white (contrast > 19:1), links and buttons ≥ 4.5:1, a focus ring that
 * is visible on every background, touch targets ≥ 44px.
 */
export const WEB_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:1.0625rem;line-height:1.5;color:#0b0c0c;background:#fff}
a{color:#1a4fa0;text-decoration:underline;text-underline-offset:.15em}
a:visited{color:#4c2c92}
a:hover{color:#0b0c0c}
:focus-visible{outline:3px solid #ffbf47;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}
a:focus-visible{background:#ffbf47;color:#0b0c0c;box-shadow:0 4px #0b0c0c;outline:none}
.skip{position:absolute;left:-9999px;top:0}
.skip:focus{left:.5rem;top:.5rem;z-index:10;padding:.5rem 1rem}
.dev{background:#fff4c2;border-bottom:3px solid #8a5a00;padding:.5rem 1rem;font-weight:600}
header.site{background:#14365d;color:#fff;padding:.75rem 1rem}
header.site a{color:#fff}
header.site a:focus-visible{color:#0b0c0c}
.bar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;max-width:46rem;margin:0 auto}
.brand{font-weight:700;font-size:1.125rem;text-decoration:none}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}
.who{font-size:.95rem}
.inline{display:inline;margin:0}
.linkbtn{background:none;border:0;padding:0;color:#fff;text-decoration:underline;font:inherit;cursor:pointer;min-height:auto}
.langs{display:flex;gap:.25rem;align-items:center}
.langs button{background:#fff;color:#14365d;border:2px solid #fff;border-radius:4px;padding:.2rem .6rem;font:inherit;font-size:.95rem;cursor:pointer;min-height:36px}
.langs button[aria-pressed=true]{background:#14365d;color:#fff;text-decoration:underline}
main{display:block;max-width:46rem;margin:0 auto;padding:1rem 1rem 3rem}
h1{font-size:1.75rem;line-height:1.2;margin:.75rem 0 1rem}
h2{font-size:1.3rem;margin:1.5rem 0 .5rem}
h3{font-size:1.1rem;margin:1.25rem 0 .5rem}
.progress{margin:.5rem 0 0;color:#383f43;font-weight:600}
progress{width:100%;height:.6rem;accent-color:#14365d}
.intro{font-size:1.1rem}
.field{margin:0 0 1.5rem}
label,legend{display:block;font-weight:600;margin-bottom:.25rem}
legend{font-size:1.05rem;padding:0}
fieldset{border:0;margin:0 0 1.5rem;padding:0;min-width:0}
fieldset.row{border:2px solid #b1b4b6;border-radius:4px;padding:.75rem;margin-bottom:1rem}
.hint{color:#383f43;margin:0 0 .4rem}
.field-error{color:#b10e1e;font-weight:700;margin:0 0 .4rem}
.has-error{border-left:5px solid #b10e1e;padding-left:.75rem}
input[type=text],input[type=email],input[type=tel],input[type=date],input[type=month],select,textarea{display:block;width:100%;max-width:32rem;font:inherit;padding:.5rem;border:2px solid #0b0c0c;border-radius:0;background:#fff;color:#0b0c0c;min-height:44px}
input.short{max-width:8rem}
textarea{min-height:8rem;resize:vertical}
[aria-invalid=true]{border-color:#b10e1e}
.choice{display:flex;align-items:flex-start;gap:.6rem;margin:.35rem 0;min-height:44px}
.choice input{width:1.6rem;height:1.6rem;margin:.1rem 0 0;flex:none;accent-color:#14365d}
.choice label{font-weight:400;margin:0;padding-top:.15rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:2rem 0 1rem;align-items:center}
button,.button{font:inherit;font-weight:600;padding:.6rem 1.1rem;min-height:44px;border-radius:4px;border:2px solid #14365d;background:#fff;color:#14365d;cursor:pointer;text-decoration:none;display:inline-block}
button.primary,.button.primary{background:#00703c;border-color:#00703c;color:#fff;box-shadow:0 2px 0 #002d18}
button.danger{background:#b10e1e;border-color:#b10e1e;color:#fff}
button:hover{filter:brightness(.92)}
.error-summary{border:4px solid #b10e1e;padding:1rem;margin:1rem 0 1.5rem}
.error-summary h2{margin-top:0}
.error-summary a{color:#b10e1e;font-weight:700}
.notice{border-left:6px solid #1a4fa0;background:#eef3fb;padding:.75rem 1rem;margin:1rem 0}
.notice h2{margin:0 0 .4rem;font-size:1.15rem}
.notice p{margin:.3rem 0}
.notice-danger{border-color:#b10e1e;background:#fbeaec}
.notice-warning{border-color:#8a5a00;background:#fff4c2}
.flash{border-left:6px solid #00703c;background:#e7f4ec;padding:.75rem 1rem;margin:1rem 0}
dl.answers{margin:0 0 1rem}
dl.answers div{border-bottom:1px solid #b1b4b6;padding:.5rem 0}
dl.answers dt{font-weight:600}
dl.answers dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.section-head{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;flex-wrap:wrap}
.decision{border:3px solid #14365d;padding:1rem;margin:1.5rem 0}
.decision .primary-route{font-size:1.4rem;font-weight:700;margin:.25rem 0 .75rem}
.tel{white-space:nowrap}
h1[tabindex="-1"]:focus{outline:none}
.counter{margin:.25rem 0 0;font-size:.95rem;color:#505a5f}
.counter.over{color:#b10e1e;font-weight:700}
.reference{font-size:2rem;font-weight:700;letter-spacing:.02em;background:#e7f4ec;border:3px solid #00703c;padding:.5rem 1rem;display:inline-block;margin:.5rem 0 1rem}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;margin-bottom:.5rem}
th,td{text-align:left;padding:.5rem .5rem .5rem 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (min-width:40rem){h1{font-size:2.1rem}main{padding-top:1.5rem}}
@media (prefers-reduced-motion:reduce){*{transition:none!important}}
main.wide{max-width:72rem}
.badge{display:inline-block;border:2px solid #383f43;border-radius:4px;padding:0 .4rem;font-size:.9rem;font-weight:600}
.badge-stalled{border-color:#b10e1e;color:#b10e1e;margin-left:.4rem}
.filters{display:flex;flex-wrap:wrap;gap:.75rem 1rem;align-items:flex-end;border:2px solid #b1b4b6;padding:.75rem;margin:1rem 0}
.filters .field{margin:0;flex:1 1 11rem}
.filter-check{margin:0;align-items:center}
.filter-actions{display:flex;gap:1rem;align-items:center}
.pager{display:flex;gap:1.5rem;margin:1.5rem 0}
details.help,details.action{border:2px solid #b1b4b6;padding:.5rem .75rem;margin:.75rem 0}
details>summary{cursor:pointer;font-weight:600;padding:.5rem 0}
details.action[open]{border-color:#14365d}
.crumbs{margin:.5rem 0 0}
.timeline{list-style:none;padding:0;border-left:4px solid #14365d;margin:0 0 1rem}
.timeline li{padding:.25rem 0 .75rem 1rem}
.event-head,.event-status{margin:0}
dl.event-data{margin:.25rem 0}
dl.event-data div{display:flex;flex-wrap:wrap;gap:0 .5rem}
dl.event-data dt{font-weight:600}
dl.event-data dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
dl.answers div.highlight,.text-block.highlight{border-left:5px solid #b10e1e;padding-left:.5rem}
.primary-route{font-size:1.25rem;font-weight:700}
th,td{overflow-wrap:anywhere}
@media (max-width:40rem){table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}table.stack,table.stack tbody,table.stack tr,table.stack th,table.stack td{display:block;width:100%}table.stack tr{border:2px solid #b1b4b6;margin:0 0 .75rem;padding:.25rem .5rem}table.stack td,table.stack th[scope=row]{border:0;padding:.2rem 0}table.stack td::before,table.stack th[scope=row]::before{content:attr(data-label);display:block;font-weight:600;font-size:.9rem;color:#383f43}}
`
