/// The HTML report's template (mustache: `{{x}}` is escaped, `{{{x}}}` is
/// markup capdiff made itself: the Graphviz and chart SVG).
enum HTMLTemplate {
  static let page = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>capdiff {{verdict}}: {{title}}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 0 auto; max-width: 1200px; padding: 1.5em; }
h1 { font-size: 1.6em; margin: 0 0 .3em; } h2 { font-size: 1.25em; border-bottom: 1px solid #d0d7de; padding-bottom: .2em; margin-top: 1.6em; }
.verdict { display: inline-block; padding: .15em .7em; border-radius: 4px; color: #fff; font-weight: 600; letter-spacing: .04em; }
.fail { background: #cf222e; } .pass { background: #1a7f37; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; } th, td { border: 1px solid #d0d7de; padding: .25em .5em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
td.w { min-width: 9em; } td.nw { white-space: nowrap; overflow-wrap: normal; }
th { background: #f6f8fa; white-space: nowrap; } td.basis { font-size: .85em; color: #57606a; } th[data-sort] { cursor: pointer; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.sev { font-weight: 600; } .s-high { color: #cf222e; } .s-medium { color: #bc4c00; } .s-low { color: #0969da; } .s-info { color: #57606a; }
.gate { color: #cf222e; font-weight: 600; } .muted { color: #57606a; } code { font-size: .92em; }
.graph { overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; padding: .5em; } .graph svg { max-width: 100%; height: auto; }
.legend span { margin-right: 1.2em; white-space: nowrap; } .sw { display: inline-block; width: 2em; height: 0; vertical-align: middle; margin-right: .3em; border-top: 1px solid #9aa5b1; }
.sw.new { border-color: #d62728; border-top-width: 2px; } .sw.esc { border-color: #ff7f0e; border-top-width: 2px; } .sw.rem { border-top-style: dashed; } .sw.sens { border-top-width: 4px; }
.filters a { margin-right: .8em; } .anchor { display: none; }
#only-high:target ~ table.findings tbody tr:not(.s-high-row),
#only-gate:target ~ table.findings tbody tr:not(.gate-row),
#only-krx:target ~ table.findings tbody tr:not(.krx-row) { display: none; }
details { margin: .2em 0; } summary { cursor: pointer; color: #0969da; }
.ev td, .ev th { font-size: .9em; } .ev td:nth-child(1), .ev td:nth-child(3) { font-family: ui-monospace, monospace; } .ev td:nth-child(n+6) { text-align: right; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: .4em .6em; }
input[type=search] { width: 20em; padding: .2em .4em; margin: .3em 0; }
@page { size: A4; margin: 14mm; }
@media print { body { max-width: none; padding: 0; font-size: 10pt; } .filters, input[type=search] { display: none; } a { color: inherit; text-decoration: none; } tr { break-inside: avoid; } .graph { overflow: visible; border: none; } }
</style>
</head>
<body>
<header>
<h1><span class="verdict {{verdict}}">{{verdictText}}</span> {{title}}</h1>
<p>{{summary}}</p>
{{#warnings}}<p class="warning">⚠ {{.}}</p>
{{/warnings}}
</header>

{{#hasCommits}}
<h2>Commits</h2>
<table>
<tr><th></th><th>describe</th><th>subject</th><th>date</th><th>commit</th><th>workload</th><th>runs</th></tr>
{{#sides}}<tr><th>{{label}}</th><td><code>{{describe}}</code></td><td>{{subject}}</td><td>{{date}}</td><td><code>{{oid}}</code></td><td>{{workload}}</td><td class="n">{{runs}}</td></tr>
{{/sides}}
</table>
<p class="muted">Scheme {{scheme}}, granularity {{granularity}}. {{disagreement}}</p>
{{/hasCommits}}

{{#hasGraph}}
<h2>Component privilege graph</h2>
<p class="legend"><span><i class="sw new"></i>new access</span><span><i class="sw esc"></i>read became write</span><span><i class="sw rem"></i>removed</span><span><i class="sw sens"></i>sensitive object site (⚠)</span><span><i class="sw"></i>unchanged</span></p>
<div class="graph">{{{graphSVG}}}</div>
{{/hasGraph}}

<h2>Findings ({{findingCount}})</h2>
<p class="filters">Show: <a href="#all">all</a> <a href="#only-high">high only</a> <a href="#only-gate">failing the gate</a> <a href="#only-krx">kR^X</a></p>
<input type="search" id="filter" placeholder="filter findings" aria-label="filter findings" hidden>
<span class="anchor" id="all"></span><span class="anchor" id="only-high"></span><span class="anchor" id="only-gate"></span><span class="anchor" id="only-krx"></span>
<table class="findings">
<thead><tr><th data-sort="0">severity</th><th data-sort="1">kind</th><th data-sort="2">subject</th><th data-sort="3">object</th><th data-sort="4">access</th><th data-sort="5">runs</th><th>finding</th></tr></thead>
<tbody>
{{#findings}}<tr class="{{rowClass}}" data-rank="{{rank}}"><td class="sev s-{{severity}} nw">{{severity}}{{#gate}} <span class="gate">gate</span>{{/gate}}</td><td class="nw"><code>{{kind}}</code></td><td class="w">{{subject}}</td><td class="w">{{object}}</td><td class="nw">{{access}}</td><td class="nw">{{runs}}</td><td>{{message}}{{#suppressed}} <span class="muted">(suppressed: {{suppressed}})</span>{{/suppressed}}{{#hasEvidence}}
<details><summary>evidence ({{evidenceCount}})</summary><table class="ev"><tr><th>function</th><th>at</th><th>site</th><th>site file</th><th>slab</th><th>R</th><th>W</th></tr>
{{#evidence}}<tr><td>{{function}}<td>{{#link}}<a href="{{link}}">{{place}}</a>{{/link}}{{^link}}{{place}}{{/link}}<td>{{site}}<td>{{siteFile}}<td>{{slab}}<td>{{reads}}<td>{{writes}}
{{/evidence}}</table>{{#moreEvidence}}<p class="muted">{{moreEvidence}} more in findings.json</p>{{/moreEvidence}}</details>{{/hasEvidence}}{{#krxValues}}<br><span class="muted">base: {{base}}; head: {{head}}</span>{{/krxValues}}</td></tr>
{{/findings}}
</tbody>
</table>
{{#hasMore}}
<details class="more"><summary>{{moreCount}} less severe findings (their evidence is in findings.json)</summary>
<table class="findings">
<tbody>
{{#moreFindings}}<tr class="{{rowClass}}" data-rank="{{rank}}"><td class="sev s-{{severity}} nw">{{severity}}{{#gate}} <span class="gate">gate</span>{{/gate}}</td><td class="nw"><code>{{kind}}</code></td><td class="w">{{subject}}</td><td class="w">{{object}}</td><td class="nw">{{access}}</td><td class="nw">{{runs}}</td><td>{{message}}{{#suppressed}} <span class="muted">(suppressed: {{suppressed}})</span>{{/suppressed}}{{#hasEvidence}}
<details><summary>evidence ({{evidenceCount}})</summary><table class="ev"><tr><th>function</th><th>at</th><th>site</th><th>site file</th><th>slab</th><th>R</th><th>W</th></tr>
{{#evidence}}<tr><td>{{function}}<td>{{#link}}<a href="{{link}}">{{place}}</a>{{/link}}{{^link}}{{place}}{{/link}}<td>{{site}}<td>{{siteFile}}<td>{{slab}}<td>{{reads}}<td>{{writes}}
{{/evidence}}</table>{{#moreEvidence}}<p class="muted">{{moreEvidence}} more in findings.json</p>{{/moreEvidence}}</details>{{/hasEvidence}}{{#krxValues}}<br><span class="muted">base: {{base}}; head: {{head}}</span>{{/krxValues}}</td></tr>
{{/moreFindings}}
</tbody>
</table>
</details>
{{/hasMore}}
{{^findings}}<p>No findings.</p>{{/findings}}

{{#hasKRX}}
<h2>kR^X randomisation and memory protection</h2>
{{{krxChart}}}
<table>
<tr><th>check</th><th>item</th><th>verdict</th><th>base</th><th>head</th><th>threshold</th><th>evidence</th></tr>
{{#krx}}<tr><td class="nw"><code>{{check}}</code></td><td class="w">{{item}}</td><td class="{{statusClass}} nw">{{status}}</td><td>{{base}}</td><td>{{head}}</td><td>{{threshold}}</td><td class="basis">{{#skipWhy}}{{skipWhy}}{{/skipWhy}}{{^skipWhy}}{{basis}}{{/skipWhy}}</td></tr>
{{/krx}}
</table>
{{/hasKRX}}

{{#hasSuppressions}}
<h2>Suppressions</h2>
<table>
<tr><th>subject</th><th>object</th><th>reason</th><th>owner</th><th>expires</th><th>status</th><th>findings</th></tr>
{{#suppressions}}<tr><td>{{subject}}</td><td>{{object}}</td><td>{{reason}}</td><td>{{owner}}</td><td>{{expires}}</td><td>{{status}}</td><td class="n">{{matched}}</td></tr>
{{/suppressions}}
</table>
{{/hasSuppressions}}

{{#hasMaintainers}}
<h2>MAINTAINERS changes (information)</h2>
<ul>{{#maintainersChanges}}<li>{{.}}</li>{{/maintainersChanges}}</ul>
{{/hasMaintainers}}

<p class="muted">capdiff {{version}} · findings.json, results.sarif, junit.xml and summary.md sit beside this file.</p>
<script>
(function () {
  var table = document.querySelector("table.findings");
  var filter = document.getElementById("filter");
  if (!table || !filter) return;
  filter.hidden = false;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  filter.addEventListener("input", function () {
    var needle = filter.value.toLowerCase();
    rows.forEach(function (row) { row.style.display = row.textContent.toLowerCase().indexOf(needle) >= 0 ? "" : "none"; });
  });
  var ascending = {};
  Array.prototype.forEach.call(table.tHead.querySelectorAll("th[data-sort]"), function (header) {
    header.addEventListener("click", function () {
      var column = Number(header.getAttribute("data-sort"));
      ascending[column] = !ascending[column];
      var key = function (row) { return column === 0 ? Number(row.getAttribute("data-rank")) : row.cells[column].textContent; };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var order = x < y ? -1 : (x > y ? 1 : 0);
        return ascending[column] ? order : -order;
      });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    });
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
})();
</script>
</body>
</html>
"""#
}
