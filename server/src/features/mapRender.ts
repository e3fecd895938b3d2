// Draws the firewall map (firewallMap.ts) as SVG, as a self-contained HTML page (the SVG, a legend, and the packet
// trace with step buttons), and as Graphviz DOT. Chains are laid out with dagre (@dagrejs/dagre: a small, maintained
// layered-graph layout, synchronous, so the CLI, the language server and tests call it directly); jump edges start
// at the row of the jump rule. Pure: map data in, text out. Colours are CSS variables with light defaults, dark ones
// under `prefers-color-scheme: dark`, and the VS Code webview maps them to the editor theme (`--vscode-*`), so the map
// reads in light, dark and high-contrast themes.

import * as dagre from '@dagrejs/dagre';
import type { FirewallMap, MapChain, MapRule, MapTable, MapTrace, RuleStatus } from './firewallMap';

const ROW = 20;
const HEAD = 28;
const PAD = 8;
const CHAR = 6.6; // width of a character at 11px monospace
const MAX_W = 620;
const MIN_W = 220;
const GUTTER = 70; // rule number + knock badge column

export const STATUS_LABEL: Record<RuleStatus, string> = {
  unreachable: 'unreachable',
  'never-matches': 'never matches',
  'hides-another': 'hides another rule',
  knock: 'knock',
  'knock-dead': 'knock, never fires',
  'final-drop': 'final drop',
  disabled: 'disabled',
  exposed: 'exposes a service',
};

/** Status precedence for a row's colour (the first that applies). */
const PRECEDENCE: RuleStatus[] = ['knock-dead', 'unreachable', 'never-matches', 'exposed', 'hides-another', 'knock', 'final-drop', 'disabled'];

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Control characters have no place in XML 1.0 text (and a script may hold any). */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '?');
}

function text(s: string): string {
  return escapeXml(clean(s));
}

function rowText(r: MapRule): string {
  const comment = r.comment ? `  "${r.comment}"` : '';
  return `${r.action}${r.summary ? ` ${r.summary}` : ''}${comment}`;
}

function truncate(s: string, width: number): string {
  const max = Math.max(8, Math.floor(width / CHAR));
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function chainWidth(c: MapChain): number {
  let longest = c.name.length + 12;
  for (const r of c.rules) longest = Math.max(longest, rowText(r).length);
  return Math.min(MAX_W, Math.max(MIN_W, GUTTER + PAD * 2 + longest * CHAR));
}

function chainHeight(c: MapChain): number {
  return HEAD + c.rules.length * ROW + PAD;
}

interface Placed {
  chain: MapChain;
  x: number;
  y: number;
  w: number;
  h: number;
}

interface TableLayout {
  table: MapTable;
  y: number;
  width: number;
  height: number;
  chains: Map<string, Placed>;
  edges: Array<{ fromChain: string; fromRule: number; toChain: string; points: Array<{ x: number; y: number }> }>;
}

export interface MapLayout {
  width: number;
  height: number;
  tables: TableLayout[];
}

const TITLE = 30;

/** Places each table's chains (dagre, left to right along the jumps) and stacks the tables. */
export function layoutMap(map: FirewallMap): MapLayout {
  const tables: TableLayout[] = [];
  let y = 0;
  let width = 0;
  for (const t of map.tables) {
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 70, marginx: 10, marginy: 10 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const c of t.chains) g.setNode(c.id, { width: chainWidth(c), height: chainHeight(c) });
    const mine = map.edges.filter((e) => t.chains.some((c) => c.id === e.fromChain));
    mine.forEach((e, i) => {
      if (e.fromChain !== e.toChain) g.setEdge(e.fromChain, e.toChain, {}, `e${i}`);
    });
    dagre.layout(g);
    const placed = new Map<string, Placed>();
    let maxX = 0;
    let maxY = 0;
    for (const c of t.chains) {
      const n = g.node(c.id);
      const p: Placed = { chain: c, x: n.x - n.width / 2, y: TITLE + n.y - n.height / 2, w: n.width, h: n.height };
      placed.set(c.id, p);
      maxX = Math.max(maxX, p.x + p.w);
      maxY = Math.max(maxY, p.y + p.h);
    }
    const edges = mine.map((e, i) => {
      const from = placed.get(e.fromChain)!;
      const to = placed.get(e.toChain)!;
      const row = from.chain.rules.findIndex((r) => r.uid === e.fromRule);
      const start = { x: from.x + from.w, y: from.y + HEAD + row * ROW + ROW / 2 };
      const end = { x: to.x, y: to.y + HEAD / 2 };
      let mid: Array<{ x: number; y: number }> = [];
      if (e.fromChain !== e.toChain) {
        const ge = g.edge({ v: e.fromChain, w: e.toChain, name: `e${i}` }) as { points?: Array<{ x: number; y: number }> } | undefined;
        mid = (ge?.points ?? []).slice(1, -1).map((p) => ({ x: p.x, y: p.y + TITLE }));
      }
      return { fromChain: e.fromChain, fromRule: e.fromRule, toChain: e.toChain, points: [start, ...mid, end] };
    });
    const height = Math.max(maxY + 10, TITLE + 20);
    tables.push({ table: t, y, width: maxX + 10, height, chains: placed, edges });
    width = Math.max(width, maxX + 10);
    y += height + 20;
  }
  return { width: Math.max(width, 400), height: Math.max(y, 60), tables };
}

const CSS = `
.map{font:11px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;fill:var(--map-fg,#1f2328)}
.map .bg{fill:var(--map-bg,#ffffff)}
.map .table-title{font-weight:bold;font-size:13px}
.map .chain-box{fill:var(--map-panel,#f6f8fa);stroke:var(--map-border,#8c959f);stroke-width:1}
.map .chain-title{font-weight:bold}
.map .row{fill:transparent}
.map .rule:hover .row,.map .rule:focus .row{fill:var(--map-hover,#ddf4ff)}
.map .rule:focus{outline:none}
.map .rule:focus .row{stroke:var(--map-focus,#0969da);stroke-width:1.5}
.map .num{fill:var(--map-muted,#57606a)}
.map .st-unreachable .row,.map .st-knock-dead .row{fill:var(--map-dead,#ffebe9)}
.map .st-unreachable text,.map .st-knock-dead text{fill:var(--map-dead-fg,#a40e26)}
.map .st-never-matches .row{fill:var(--map-never,#fff8c5)}
.map .st-exposed .row{fill:var(--map-exposed,#fff1e5)}
.map .st-hides-another .mark{fill:var(--map-hider,#bc4c00)}
.map .st-knock .row{fill:var(--map-knock,#dafbe1)}
.map .st-final-drop .row{fill:var(--map-drop,#eaeef2)}
.map .st-final-drop text{font-weight:bold}
.map .st-disabled text{fill:var(--map-muted,#57606a);font-style:italic}
.map .badge{font-weight:bold;fill:var(--map-knock-fg,#1a7f37)}
.map .badge.broken{fill:var(--map-dead-fg,#a40e26)}
.map .edge{fill:none;stroke:var(--map-edge,#57606a);stroke-width:1.3;marker-end:url(#arrow)}
.map .arrow{fill:var(--map-edge,#57606a)}
.map .knock-path{fill:none;stroke:var(--map-knock-fg,#1a7f37);stroke-width:2;stroke-dasharray:4 3}
.map .traced .row{stroke:var(--map-trace,#8250df);stroke-width:2}
.map .verdict .row{fill:var(--map-trace-bg,#fbefff)}
.map .step{fill:var(--map-trace,#8250df);font-weight:bold}
.map .selected .row{stroke:var(--map-focus,#0969da);stroke-width:2.5}
@media (prefers-color-scheme: dark){.map{--map-fg:#e6edf3;--map-bg:#0d1117;--map-panel:#161b22;--map-border:#6e7681;--map-hover:#1f2d3d;--map-muted:#8b949e;--map-dead:#4a1d1f;--map-dead-fg:#ff7b72;--map-never:#3b2f00;--map-exposed:#4a2a0a;--map-hider:#f0883e;--map-knock:#12361f;--map-knock-fg:#3fb950;--map-drop:#21262d;--map-edge:#8b949e;--map-trace:#d2a8ff;--map-trace-bg:#2d1f44;--map-focus:#58a6ff}}
`;

export interface SvgOptions {
  /** The packet trace to draw on top (every rule a packet met numbered, the deciding rule marked). */
  trace?: MapTrace;
  /** Only this packet of the trace (0-based); default all. */
  tracePacket?: number;
  /** Embedded in HTML: no XML declaration. */
  inline?: boolean;
}

/** The map as an SVG document. */
export function renderSvg(map: FirewallMap, layout: MapLayout = layoutMap(map), options: SvgOptions = {}): string {
  const badges = new Map<number, { text: string; broken: boolean }>();
  for (const k of map.knocks) {
    k.stages.forEach((uid, i) => {
      const broken = !!k.failsAt && k.failsAt.stage === i + 1;
      badges.set(uid, { text: `K${k.index}.${i + 1}${broken ? '✗' : ''}`, broken });
    });
    for (const uid of k.accepts) badges.set(uid, { text: `K${k.index}✓`, broken: !!k.failsAt && k.failsAt.stage > k.stages.length });
  }
  const traced = new Map<number, number[]>();
  const verdicts = new Set<number>();
  if (options.trace) {
    let n = 0;
    options.trace.packets.forEach((p, pi) => {
      if (options.tracePacket !== undefined && options.tracePacket !== pi) return;
      for (const s of p.steps) {
        n++;
        const list = traced.get(s.uid) ?? [];
        list.push(n);
        traced.set(s.uid, list);
      }
      if (p.verdictRule !== undefined) verdicts.add(p.verdictRule);
    });
  }
  const out: string[] = [];
  if (!options.inline) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="map" width="${Math.ceil(layout.width)}" height="${Math.ceil(layout.height)}" viewBox="0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}" role="img" aria-label="Firewall map">`,
    `<style>${CSS}</style>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    `<rect class="bg" x="0" y="0" width="${Math.ceil(layout.width)}" height="${Math.ceil(layout.height)}"/>`,
  );
  for (const tl of layout.tables) {
    const t = tl.table;
    out.push(`<g class="table" data-table="${text(t.id)}" transform="translate(0,${tl.y})">`);
    out.push(`<text class="table-title" x="10" y="18">${t.family === 'ipv6' ? 'IPv6' : 'IPv4'} ${text(t.name)}</text>`);
    for (const p of tl.chains.values()) {
      const c = p.chain;
      out.push(`<g class="chain" data-chain="${text(c.id)}" transform="translate(${p.x.toFixed(1)},${p.y.toFixed(1)})">`);
      out.push(`<rect class="chain-box" x="0" y="0" width="${p.w.toFixed(1)}" height="${p.h.toFixed(1)}" rx="4"/>`);
      out.push(`<text class="chain-title" x="${PAD}" y="18">${text(c.name)}${c.builtin ? '' : ' (custom chain)'} · ${c.rules.length} rule${c.rules.length === 1 ? '' : 's'}</text>`);
      // The knock path: a dashed line in the gutter through the stages of each knock in this chain.
      for (const k of map.knocks) {
        const rows = [...k.stages, ...k.accepts].map((uid) => c.rules.findIndex((r) => r.uid === uid)).filter((i) => i >= 0);
        if (rows.length < 2) continue;
        const ys = rows.map((i) => HEAD + i * ROW + ROW / 2);
        out.push(`<path class="knock-path" d="M3,${ys[0]} ${ys.slice(1).map((yy) => `L3,${yy}`).join(' ')}"/>`);
      }
      c.rules.forEach((r, i) => {
        const y = HEAD + i * ROW;
        const status = PRECEDENCE.filter((s) => r.statuses.includes(s));
        const classes = ['rule', ...status.map((s) => `st-${s}`)];
        if (traced.has(r.uid)) classes.push('traced');
        if (verdicts.has(r.uid)) classes.push('verdict');
        const label = `rule ${r.number ?? '?'} (line ${r.line}): ${rowText(r)}${status.length ? ` [${status.map((s) => STATUS_LABEL[s]).join(', ')}]` : ''}`;
        out.push(
          `<g class="${classes.join(' ')}" data-uid="${r.uid}" data-line="${r.line}" data-start="${r.start}" data-end="${r.end}" tabindex="0" role="button" aria-label="${text(label)}">`,
        );
        const tip = [label, ...r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`)].join('\n');
        out.push(`<title>${text(tip)}</title>`);
        out.push(`<rect class="row" x="1" y="${y}" width="${(p.w - 2).toFixed(1)}" height="${ROW}"/>`);
        if (r.statuses.includes('hides-another')) out.push(`<rect class="mark" x="${(p.w - 6).toFixed(1)}" y="${y + 3}" width="4" height="${ROW - 6}"/>`);
        out.push(`<text class="num" x="${PAD}" y="${y + 14}">${r.number ?? '?'}</text>`);
        const b = badges.get(r.uid);
        if (b) out.push(`<text class="badge${b.broken ? ' broken' : ''}" x="${PAD + 22}" y="${y + 14}" font-size="9">${text(b.text)}</text>`);
        const steps = traced.get(r.uid);
        const stepText = steps ? `${steps.join(',')}▸ ` : '';
        if (steps) out.push(`<text class="step" x="${GUTTER}" y="${y + 14}">${text(stepText)}</text>`);
        const x = GUTTER + stepText.length * CHAR;
        out.push(`<text x="${x.toFixed(1)}" y="${y + 14}">${text(truncate(rowText(r), p.w - x - PAD))}</text>`);
        out.push('</g>');
      });
      out.push('</g>');
    }
    for (const e of tl.edges) {
      const d = e.points.map((pt, i) => `${i === 0 ? 'M' : 'L'}${pt.x.toFixed(1)},${pt.y.toFixed(1)}`).join(' ');
      out.push(`<path class="edge" data-from="${e.fromRule}" d="${d}"/>`);
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

/** The legend as HTML (one swatch per status). */
function legendHtml(): string {
  const items: Array<[string, string]> = [
    ['st-knock', 'knock stage / accept'],
    ['st-knock-dead', 'knock rule that never fires'],
    ['st-unreachable', 'unreachable'],
    ['st-never-matches', 'never matches'],
    ['st-exposed', 'exposes a service'],
    ['st-final-drop', 'final drop'],
    ['st-disabled', 'disabled'],
  ];
  return `<ul class="legend">${items.map(([c, l]) => `<li><svg class="map" width="14" height="14"><g class="rule ${c}"><rect class="row" width="14" height="14"/></g></svg> ${escapeXml(l)}</li>`).join('')}<li>K1.2 = knock 1, stage 2; ✗ where it breaks</li></ul>`;
}

export interface HtmlOptions extends SvgOptions {
  title?: string;
  /** For a VS Code webview: the nonce of its script and the webview's CSP source. */
  webview?: { nonce: string; cspSource: string };
}

const PAGE_CSS = `
body{margin:0;padding:8px 12px;background:var(--map-bg,#fff);color:var(--map-fg,#1f2328);font:13px system-ui,sans-serif}
h1{font-size:15px;margin:4px 0 8px}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:12px;padding:0;margin:0 0 8px;font-size:12px}
.legend li{display:flex;align-items:center;gap:4px}
.trace{margin:8px 0;font-size:12px}
.trace button{font:inherit;margin-right:6px}
.trace ol{margin:4px 0;padding-left:20px}
.trace li.current{font-weight:bold}
#map{overflow:auto}
@media (prefers-color-scheme: dark){body{--map-fg:#e6edf3;--map-bg:#0d1117}}
`;

/** Variables mapping the map's colours onto the VS Code theme (light, dark and high contrast alike). */
const WEBVIEW_CSS = `
body{--map-fg:var(--vscode-editor-foreground);--map-bg:var(--vscode-editor-background);--map-panel:var(--vscode-sideBar-background,var(--vscode-editor-background));--map-border:var(--vscode-panel-border,var(--vscode-contrastBorder,#888));--map-hover:var(--vscode-list-hoverBackground);--map-muted:var(--vscode-descriptionForeground);--map-dead:var(--vscode-inputValidation-errorBackground,#5a1d1d);--map-dead-fg:var(--vscode-errorForeground);--map-never:var(--vscode-inputValidation-warningBackground,#352a05);--map-exposed:var(--vscode-inputValidation-warningBackground,#352a05);--map-hider:var(--vscode-editorWarning-foreground);--map-knock:var(--vscode-diffEditor-insertedTextBackground,#23863633);--map-knock-fg:var(--vscode-testing-iconPassed,#73c991);--map-drop:var(--vscode-editor-inactiveSelectionBackground);--map-edge:var(--vscode-editorLineNumber-foreground);--map-trace:var(--vscode-charts-purple,#b180d7);--map-trace-bg:var(--vscode-editor-findMatchHighlightBackground);--map-focus:var(--vscode-focusBorder);font-family:var(--vscode-font-family);color:var(--map-fg);background:var(--map-bg)}
`;

/** A self-contained HTML page: title, legend, the SVG, and the trace with Previous/Next to step through it. */
export function renderHtml(map: FirewallMap, layout: MapLayout = layoutMap(map), options: HtmlOptions = {}): string {
  return mapPage(renderSvg(map, layout, { ...options, inline: true }), options);
}

/**
 * The page around an already drawn SVG (the VS Code webview gets the SVG from the language server). In a webview
 * the page also has a trace picker: the file's knock sequences, or a packet typed as `tcp:22 from WAN`.
 */
export function mapPage(svg: string, options: HtmlOptions & { knocks?: Array<{ index: number; description: string }> } = {}): string {
  const nonce = options.webview?.nonce ?? 'map';
  const csp = options.webview
    ? `default-src 'none'; style-src ${options.webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}'; img-src ${options.webview.cspSource} data:;`
    : `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; img-src data:;`;
  const trace = options.trace;
  const picker = options.webview
    ? `<form id="tracer" class="trace" aria-label="Trace a packet"><label for="spec">Trace</label> <select id="pick"><option value="">no trace</option>${(options.knocks ?? [])
        .map((k) => `<option value="knock:${k.index}">knock ${k.index}: ${escapeXml(k.description)}</option>`)
        .join('')}<option value="custom">a packet...</option></select> <input id="spec" type="text" placeholder="tcp:22 from WAN" aria-label="Packet to trace"> <button type="submit">Trace</button> <span id="error" role="alert"></span></form>`
    : '';
  const traceHtml = `<section class="trace" id="trace" aria-label="Packet trace">${trace ? traceBody(trace) : ''}</section>`;
  const data = JSON.stringify({ trace: trace ?? null }).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(options.title ?? 'Firewall map')}</title>
<style>${PAGE_CSS}${options.webview ? WEBVIEW_CSS : ''}</style></head>
<body><h1 id="title">${escapeXml(options.title ?? 'Firewall map')}</h1>${legendHtml()}${picker}${traceHtml}<div id="map">${svg}</div>
<script nonce="${nonce}">${PAGE_SCRIPT.replace('__DATA__', data)}</script>
</body></html>
`;
}

/** The trace's title, step buttons and packet list (also rebuilt by the page script when a new trace arrives). */
export function traceBody(trace: MapTrace): string {
  return (
    `<div><strong>${escapeXml(trace.title)}</strong>${trace.result ? ` — ${escapeXml(trace.result)}` : ''}</div>` +
    `<button id="prev" type="button">Previous packet</button><button id="next" type="button">Next packet</button><button id="all" type="button">All packets</button>` +
    `<ol>${trace.packets.map((p, i) => `<li data-packet="${i}">${escapeXml(p.label)} at ${p.time} s → ${escapeXml(p.verdict)}${p.changes.length ? `; ${escapeXml(p.changes.join('; '))}` : ''}</li>`).join('')}</ol>`
  );
}

/**
 * The page's script: steps through the trace (marking the rules each packet met), and in a VS Code webview tells the
 * extension which rule was clicked (or activated with Enter/Space) and highlights the rule the editor's cursor is on.
 */
const PAGE_SCRIPT = `
(function(){
  var data = __DATA__;
  var vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
  function rules(){ return Array.prototype.slice.call(document.querySelectorAll('#map .rule')); }
  function show(packet){
    var t = data.trace; if (!t) return;
    rules().forEach(function(g){ g.classList.remove('traced'); g.classList.remove('verdict'); });
    var items = document.querySelectorAll('.trace li');
    for (var i = 0; i < items.length; i++) items[i].classList.toggle('current', packet === i);
    t.packets.forEach(function(p, i){
      if (packet !== -1 && packet !== i) return;
      p.steps.forEach(function(s){ var g = document.querySelector('#map .rule[data-uid="' + s.uid + '"]'); if (g) g.classList.add('traced'); });
      if (p.verdictRule !== undefined) { var v = document.querySelector('#map .rule[data-uid="' + p.verdictRule + '"]'); if (v) v.classList.add('verdict'); }
    });
  }
  var current = -1;
  function bind(){
    var prev = document.getElementById('prev'), next = document.getElementById('next'), all = document.getElementById('all');
    var n = data.trace ? data.trace.packets.length : 0;
    if (prev) prev.onclick = function(){ current = current <= 0 ? n - 1 : current - 1; show(current); };
    if (next) next.onclick = function(){ current = current >= n - 1 ? 0 : current + 1; show(current); };
    if (all) all.onclick = function(){ current = -1; show(-1); };
    rules().forEach(function(g){
      function open(){ if (vscode) vscode.postMessage({ type: 'reveal', line: Number(g.getAttribute('data-line')), start: Number(g.getAttribute('data-start')), end: Number(g.getAttribute('data-end')) }); select(Number(g.getAttribute('data-uid'))); }
      g.addEventListener('click', open);
      g.addEventListener('keydown', function(e){ if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
    });
  }
  function select(uid){
    rules().forEach(function(g){ g.classList.toggle('selected', Number(g.getAttribute('data-uid')) === uid); });
  }
  window.addEventListener('message', function(e){
    var m = e.data || {};
    if (m.type === 'select') {
      var g = null;
      rules().forEach(function(x){ var s = Number(x.getAttribute('data-start')), en = Number(x.getAttribute('data-end')); if (m.offset >= s && m.offset <= en) g = x; });
      rules().forEach(function(x){ x.classList.toggle('selected', x === g); });
      if (g && g.scrollIntoView) g.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    } else if (m.type === 'render') {
      document.getElementById('map').innerHTML = m.svg;
      if (m.title) document.getElementById('title').textContent = m.title;
      var tr = document.getElementById('trace'); if (tr) tr.innerHTML = m.traceHtml || '';
      var er = document.getElementById('error'); if (er) er.textContent = m.error || '';
      if (!m.trace || (data.trace && m.trace.title !== data.trace.title)) current = -1;
      data = { trace: m.trace || null };
      bind(); show(current);
    }
  });
  var form = document.getElementById('tracer');
  if (form) {
    var pick = document.getElementById('pick'), spec = document.getElementById('spec');
    form.addEventListener('submit', function(e){
      e.preventDefault();
      var v = pick.value === 'custom' ? spec.value : pick.value;
      if (pick.value !== 'custom' && v) spec.value = '';
      if (vscode) vscode.postMessage({ type: 'trace', spec: v });
    });
    pick.addEventListener('change', function(){ if (pick.value !== 'custom') form.requestSubmit(); else spec.focus(); });
  }
  bind();
  if (data.trace) show(-1);
})();
`;

/** The map as Graphviz DOT: one record per chain (its rules as rows), jump edges from the jump's row. */
export function renderDot(map: FirewallMap): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const html = (s: string) => escapeXml(clean(s));
  const out = ['digraph firewall {', '  rankdir=LR;', '  node [shape=plaintext, fontname="monospace", fontsize=10];'];
  for (const t of map.tables) {
    out.push(`  subgraph ${q(`cluster ${t.id}`)} {`, `    label=${q(`${t.family === 'ipv6' ? 'IPv6' : 'IPv4'} ${t.name}`)};`);
    for (const c of t.chains) {
      const rows = c.rules
        .map((r) => {
          const status = PRECEDENCE.find((s) => r.statuses.includes(s));
          const bg = status === 'unreachable' || status === 'knock-dead' ? ' BGCOLOR="#ffebe9"' : status === 'knock' ? ' BGCOLOR="#dafbe1"' : status === 'never-matches' ? ' BGCOLOR="#fff8c5"' : status === 'exposed' ? ' BGCOLOR="#fff1e5"' : '';
          return `<TR><TD ALIGN="LEFT" PORT="r${r.uid}"${bg}>${r.number ?? '?'} ${html(truncate(rowText(r), 560))}${status ? ` [${html(STATUS_LABEL[status])}]` : ''}</TD></TR>`;
        })
        .join('');
      out.push(`    ${q(c.id)} [label=<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0"><TR><TD><B>${html(c.name)}</B></TD></TR>${rows}</TABLE>>];`);
    }
    out.push('  }');
  }
  for (const e of map.edges) out.push(`  ${q(e.fromChain)}:r${e.fromRule}:e -> ${q(e.toChain)};`);
  out.push('}');
  return out.join('\n') + '\n';
}
