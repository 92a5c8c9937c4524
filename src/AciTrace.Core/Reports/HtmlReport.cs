using System.Globalization;
using System.Net;
using System.Text.Json;

namespace AciTrace.Reports;

/// <summary>
/// One self-contained HTML file (no network fetch: styles, script and data are inline): the connectivity matrix as a
/// coloured grid whose cells open their traces, and each trace's path drawn as nodes, bridges and ports with the drop
/// point marked and its reason. The data is embedded as JSON (HTML-escaped by the serializer) and drawn by the page's
/// own script with DOM calls, never by pasting text as HTML.
/// </summary>
public static partial class HtmlReport
{
    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{(TITLE|SUBTITLE|DATA)\}\}")]
    private static partial System.Text.RegularExpressions.Regex Placeholder();

    public static string Write(ReportData data, string title, DateTimeOffset generatedAt)
    {
        var json = Json.WriteForHtml(w =>
        {
            w.WriteStartObject();
            if (data.Matrix is { } m)
            {
                w.WritePropertyName("matrix");
                w.WriteStartObject();
                WriteStrings(w, "sources", m.Sources);
                WriteStrings(w, "destinations", m.Destinations);
                w.WritePropertyName("cells");
                w.WriteStartArray();
                foreach (var c in m.Cells)
                {
                    w.WriteStartObject();
                    w.WriteString("s", c.Source);
                    w.WriteString("d", c.Destination);
                    w.WriteString("r", c.Result.ToString());
                    w.WriteString("ports", c.Ports);
                    w.WriteString("reason", c.Reason);
                    WriteStrings(w, "traces", c.Traces.Select(t => Key(t.TraceId, t.Direction)).ToList());
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WritePropertyName("traces");
            w.WriteStartArray();
            foreach (var t in data.Traces)
            {
                w.WriteStartObject();
                w.WriteString("key", Key(t.Id, t.Direction));
                w.WriteString("id", t.Id);
                w.WriteString("direction", t.Direction.ToString());
                w.WriteString("source", t.Source);
                w.WriteString("destination", t.Destination);
                w.WriteString("packet", t.Packet);
                w.WriteString("verdict", t.Verdict.ToString());
                w.WriteString("outcome", t.Outcome);
                w.WriteString("reason", t.Reason);
                w.WritePropertyName("passes");
                w.WriteStartArray();
                foreach (var p in t.Passes)
                {
                    w.WriteStartObject();
                    w.WriteString("node", p.Node);
                    w.WriteString("bridge", p.Bridge);
                    w.WriteBoolean("resume", p.IsResume);
                    w.WriteString("verdict", p.Verdict.ToString());
                    w.WriteString("in", p.InPortName ?? p.InPort?.ToString(CultureInfo.InvariantCulture) ?? "");
                    w.WriteString("out", p.OutPortName ?? p.OutPort?.ToString(CultureInfo.InvariantCulture) ?? "");
                    w.WriteString("tunnel", p.TunnelDestination ?? "");
                    w.WriteString("table", p.DropTableName ?? p.DropTable?.ToString(CultureInfo.InvariantCulture) ?? "");
                    w.WriteString("cause", p.DropCause ?? "");
                    w.WriteString("nat", p.DnatAddress is { } d ? "DNAT " + d : p.SnatAddress is { } s ? "SNAT " + s : "");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        var subtitle = data.Matrix is { } mx
            ? $"{mx.Sources.Count} source(s) x {mx.Destinations.Count} destination(s): {mx.Delivered} delivered, {mx.Dropped} dropped, {mx.Partial} partial, {mx.Unknown} unknown"
            : $"{data.Traces.Count} trace(s)";
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["TITLE"] = WebUtility.HtmlEncode(title),
            ["SUBTITLE"] = WebUtility.HtmlEncode($"{subtitle}. Generated {generatedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)} by AciTrace."),
            ["DATA"] = json,
        };
        // One pass: text put in is never searched for placeholders again (a title may hold "{{DATA}}").
        return Placeholder().Replace(Template, m => values[m.Groups[1].Value]);
    }

    private static string Key(string id, TraceDirection direction) => id + " (" + direction + ")";

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WritePropertyName(name);
        w.WriteStartArray();
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private const string Template = """
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}}</title>
<style>
  body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1b1f24; background: #fff; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .meta { color: #57606a; margin: 0 0 16px; }
  table.grid { border-collapse: collapse; margin-bottom: 8px; }
  table.grid th, table.grid td { border: 1px solid #d0d7de; text-align: center; padding: 0; }
  table.grid th { font-weight: 600; background: #f6f8fa; padding: 4px 6px; font-size: 12px; }
  table.grid th.src { text-align: left; white-space: nowrap; }
  table.grid td { width: 26px; height: 24px; cursor: pointer; font-weight: 700; }
  td.Deliver { background: #d1f2d9; color: #116329; }
  td.Drop { background: #ffd8d3; color: #a40e26; }
  td.Partial { background: #fff1c2; color: #7d4e00; }
  td.Unknown { background: #e6e9ed; color: #424a53; }
  td.self { background: #fafbfc; cursor: default; color: #afb8c1; }
  td.selected { outline: 3px solid #0969da; outline-offset: -3px; }
  .legend { color: #57606a; font-size: 12px; margin: 4px 0 16px; }
  .legend span { display: inline-block; margin-right: 14px; }
  .names { columns: 3 220px; font-size: 12px; color: #424a53; margin-bottom: 16px; }
  .card { border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 12px; margin: 10px 0; }
  .card h3 { font-size: 14px; margin: 0 0 4px; }
  .badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; margin-right: 6px; }
  .badge.Deliver, .badge.Forward { background: #d1f2d9; color: #116329; }
  .badge.Drop { background: #ffd8d3; color: #a40e26; }
  .badge.Unknown, .badge.Punt { background: #e6e9ed; color: #424a53; }
  .reason { color: #424a53; margin: 4px 0 8px; }
  svg text { font: 12px system-ui, sans-serif; }
  #details h2, #traces h2 { font-size: 16px; margin: 18px 0 6px; }
</style>
</head>
<body>
<h1>{{TITLE}}</h1>
<p class="meta">{{SUBTITLE}}</p>
<div id="matrix"></div>
<div id="details"></div>
<div id="traces"></div>
<script id="report-data" type="application/json">{{DATA}}</script>
<script>
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const traces = new Map(data.traces.map(t => [t.key, t]));
  const symbol = { Deliver: "+", Drop: "x", Partial: "~", Unknown: "?" };
  let drawn = 0;
  const fit = (text, n) => text.length > n ? text.slice(0, n - 1) + "…" : text;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k === "onclick") e.addEventListener("click", v); else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  function svgEl(tag, attrs, text) {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // The path: source, one box per bridge pass (grouped by node), destination; the dropping pass is red.
  function drawPath(t) {
    const steps = [{ kind: "end", label: t.source }];
    for (const p of t.passes) steps.push({ kind: "pass", p });
    if (t.verdict === "Deliver") steps.push({ kind: "end", label: t.destination });
    const perRow = 5, w = 170, h = 64, gapX = 46, gapY = 40;
    const rows = Math.ceil(steps.length / perRow);
    const width = Math.min(steps.length, perRow) * (w + gapX), height = rows * (h + gapY) + 10;
    const svg = svgEl("svg", { width: width, height: height, viewBox: `0 0 ${width} ${height}`, role: "img" });
    const arrowId = "arrow" + (++drawn);
    const defs = svgEl("defs", {}), marker = svgEl("marker", { id: arrowId, viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto" });
    marker.append(svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: "#57606a" }));
    defs.append(marker);
    svg.append(defs);
    let dropped = false;
    steps.forEach((s, i) => {
      const x = (i % perRow) * (w + gapX) + 4, y = Math.floor(i / perRow) * (h + gapY) + 4;
      const isDrop = s.kind === "pass" && s.p.verdict === "Drop";
      const stroke = isDrop ? "#c00" : s.kind === "end" ? "#0969da" : "#8c959f";
      const fill = isDrop ? "#ffe3e0" : s.kind === "end" ? "#ddf4ff" : dropped ? "#f6f8fa" : "#fff";
      svg.append(svgEl("rect", { x, y, width: w, height: h, rx: 8, fill, stroke, "stroke-width": isDrop ? 3 : 1.5 }));
      if (s.kind === "end") {
        svg.append(svgEl("text", { x: x + 10, y: y + 37 }, fit(s.label, 24)));
      } else {
        const p = s.p;
        svg.append(svgEl("text", { x: x + 10, y: y + 18, "font-weight": "600" }, fit(p.node + " · " + p.bridge + (p.resume ? " (ct)" : ""), 24)));
        svg.append(svgEl("text", { x: x + 10, y: y + 36, fill: isDrop ? "#a40e26" : "#24292f" }, p.verdict + (p.nat ? " · " + p.nat : "")));
        const detail = isDrop ? (p.cause || p.table || "dropped") : (p.tunnel ? "tunnel to " + p.tunnel : "");
        if (detail) svg.append(svgEl("text", { x: x + 10, y: y + 54, fill: "#57606a" }, detail.length > 26 ? detail.slice(0, 25) + "…" : detail));
      }
      if (i + 1 < steps.length && !dropped && !isDrop) {
        const n = steps[i + 1], port = n.kind === "pass" ? (i === 0 ? n.p.in : s.p.out) : (s.kind === "pass" ? s.p.out : "");
        const sameRow = (i + 1) % perRow !== 0;
        const x1 = sameRow ? x + w : x + w / 2, y1 = sameRow ? y + h / 2 : y + h;
        const x2 = sameRow ? x + w + gapX - 2 : 4 + w / 2, y2 = sameRow ? y + h / 2 : y + h + gapY - 2;
        svg.append(svgEl("line", { x1, y1, x2, y2, stroke: "#57606a", "stroke-width": 1.5, "marker-end": `url(#${arrowId})` }));
        if (port && sameRow) svg.append(svgEl("text", { x: x + w + 2, y: y + h / 2 - 6, fill: "#57606a", "font-size": "10" }, port.length > 9 ? port.slice(0, 8) + "…" : port));
      }
      if (isDrop) dropped = true;
    });
    return svg;
  }

  function card(t) {
    return el("div", { class: "card" },
      el("h3", {}, el("span", { class: "badge " + t.verdict }, t.verdict), `${t.source} → ${t.destination} ${t.packet} (${t.direction})`),
      t.reason ? el("div", { class: "reason" }, t.reason) : (t.outcome ? el("div", { class: "reason" }, t.outcome) : null),
      drawPath(t));
  }

  function showCell(cell, td) {
    document.querySelectorAll("td.selected").forEach(x => x.classList.remove("selected"));
    if (td) td.classList.add("selected");
    const box = document.getElementById("details");
    box.replaceChildren(el("h2", {}, `${cell.s} → ${cell.d}: ${cell.r}`), el("div", { class: "reason" }, cell.ports));
    if (cell.r !== "Deliver" && cell.reason) box.append(el("div", { class: "reason" }, cell.reason));
    for (const key of cell.traces) { const t = traces.get(key); if (t) box.append(card(t)); }
  }

  if (data.matrix) {
    const m = data.matrix, byPair = new Map(m.cells.map(c => [c.s + "\u0000" + c.d, c]));
    const head = el("tr", {}, el("th", { class: "src" }, "source \\ destination"));
    m.destinations.forEach((d, i) => head.append(el("th", { title: d }, i + 1)));
    const table = el("table", { class: "grid" }, head);
    let first = null;
    for (const s of m.sources) {
      const row = el("tr", {}, el("th", { class: "src" }, s));
      for (const d of m.destinations) {
        const c = byPair.get(s + "\u0000" + d);
        if (!c) { row.append(el("td", { class: "self", title: s === d ? "itself" : "not probed" }, "·")); continue; }
        const td = el("td", { class: c.r, title: `${s} → ${d}: ${c.ports}` }, symbol[c.r] || "?");
        td.addEventListener("click", () => showCell(c, td));
        if (!first && c.r !== "Deliver") first = [c, td];
        row.append(td);
      }
      table.append(row);
    }
    const legend = el("div", { class: "legend" },
      el("span", {}, "+ delivered"), el("span", {}, "x dropped"), el("span", {}, "~ some ports dropped"),
      el("span", {}, "? unknown or failed"), el("span", {}, "· not probed"), el("span", {}, "Click a cell for its traces."));
    const names = el("ol", { class: "names" }, ...m.destinations.map(d => el("li", {}, d)));
    document.getElementById("matrix").append(table, legend, names);
    if (first) showCell(first[0], first[1]); else if (m.cells.length) showCell(m.cells[0], null);
  }
  // Traces that belong to no cell of the matrix (or all of them, without one).
  const inCells = new Set(data.matrix ? data.matrix.cells.flatMap(c => c.traces) : []);
  const others = data.traces.filter(t => !inCells.has(t.key));
  if (others.length) {
    const box = document.getElementById("traces");
    box.append(el("h2", {}, data.matrix ? "Other traces" : "Traces"));
    for (const t of others) box.append(card(t));
  }
})();
</script>
</body>
</html>
""";
}
