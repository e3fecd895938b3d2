// The pure generator behind "RouterOS: Insert port-knocking setup...": builds the guide's knock setup
// (../shared/seed/port-knocking.md) for N stages with fresh random ports, and says where it belongs in
// an existing file (above the rule that would drop or accept the knock packets, else at the end), in
// the file's own style (/export sections with relative `add`, one-line `/ip firewall filter add`, or
// the v7 slash form `/ip/firewall/filter/add`). No editor, no I/O: the client asks the questions,
// calls this and applies the returned edits.

import { parse, walkCommands } from '../parser/index';
import { buildModel, findKnockSequences } from '../model/index';
import { covers, mayOverlap } from '../model/reason';
import type { Command, ParseResult, Script, Statement } from '../parser/ast';
import type { FirewallModel, KnockSequence, PortSet, Rule } from '../model/types';
import type { TextEdit } from '../rules/types';

export interface KnockSetupOptions {
  /** Number of knock stages (1-10). */
  stages: number;
  protocol: 'tcp' | 'udp';
  /** RouterOS time for every intermediate stage list, e.g. `30s`. */
  stageTimeout: string;
  /** RouterOS time for the final (secured) list, e.g. `30m`. */
  finalTimeout: string;
  /** Final list name (default `secured`). */
  finalList?: string;
  /**
   * WAN interface list the stages listen on (default: the interface list or interface the WAN drop
   * rule of the file matches, else `WAN`).
   */
  wanList?: string;
  /** Add the guide's blacklist block, every rule `disabled=yes` (the guide enables them after testing). */
  withBlacklist?: boolean;
  /** Layer7 passphrase every stage must carry (UDP only: a TCP SYN carries no payload). */
  layer7Passphrase?: string;
  /** Source of randomness in [0, 1): `Math.random` in the editor, a seeded generator in tests. */
  random: () => number;
}

export interface KnockSetup {
  /** The main block (the stages and the final accept, with their comments). */
  text: string;
  /** Offset in `existingText` where `text` goes. */
  insertAt: number;
  /** The stage ports in knock order. */
  ports: number[];
  /** Every insertion to apply (the main block, plus a layer7 definition placed before the filter section). */
  edits: TextEdit[];
  /** The lists the stages fill, in order (the last is the final list). */
  lists: string[];
  /** A one-line client command that performs the knock (nmap for TCP, nc for UDP). */
  clientCommand: string;
}

/**
 * Ports a knock must not use: common services (a scanner probes them first, and a real service on
 * them would interfere). Ports below 1024 are excluded as a whole.
 */
export const WELL_KNOWN_PORTS: ReadonlySet<number> = new Set([
  1080, 1194, 1241, 1311, 1433, 1434, 1521, 1604, 1645, 1646, 1701, 1723, 1755, 1812, 1813, 1883, 1900,
  2000, 2049, 2082, 2083, 2086, 2087, 2095, 2096, 2100, 2181, 2222, 2375, 2376, 2483, 2484, 2967, 3000,
  3050, 3128, 3260, 3306, 3389, 3478, 3479, 3690, 3702, 4333, 4369, 4443, 4444, 4500, 4567, 4786, 4848,
  5000, 5001, 5004, 5005, 5060, 5061, 5222, 5223, 5269, 5353, 5355, 5432, 5500, 5555, 5601, 5631, 5632,
  5672, 5678, 5683, 5800, 5801, 5900, 5901, 5902, 5903, 5984, 5985, 5986, 6000, 6001, 6379, 6443, 6514,
  6566, 6660, 6661, 6662, 6663, 6664, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 6881, 6969, 7000, 7001,
  7070, 7443, 7474, 7547, 7777, 8000, 8008, 8009, 8010, 8080, 8081, 8082, 8083, 8086, 8088, 8089, 8090,
  8112, 8123, 8181, 8200, 8291, 8333, 8443, 8444, 8500, 8728, 8729, 8765, 8834, 8880, 8883, 8888, 8983,
  9000, 9001, 9042, 9043, 9050, 9051, 9080, 9090, 9091, 9100, 9200, 9229, 9300, 9418, 9443, 9600, 9990,
  9999,
]);

/** Ranges the guide's blacklist rules catch (`dst-port=21,22,23,8291,10000-60000` and `666`). */
export const GUIDE_BLACKLIST_PORTS: PortSet = [
  [21, 23],
  [666, 666],
  [8291, 8291],
  [10000, 60000],
];

const TIME_RE = /^(?:\d+(?:ms|s|m|h|d|w)?)+$|^\d{1,2}:\d{2}:\d{2}$/;
const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

/** True when every step goes up, or every step goes down (what a sequential scan would hit in order). */
export function isMonotonic(ports: readonly number[]): boolean {
  if (ports.length < 2) return false;
  let up = true;
  let down = true;
  for (let i = 1; i < ports.length; i++) {
    if (ports[i] <= ports[i - 1]) up = false;
    if (ports[i] >= ports[i - 1]) down = false;
  }
  return up || down;
}

/** Ports a knock may use: 1024-9999 and 60001-65535, minus well-known ports and `avoid`. */
let basePool: number[] | undefined;

export function candidatePorts(avoid: PortSet = []): number[] {
  if (avoid.length === 0 && basePool) return basePool;
  const blocked = new Uint8Array(65536);
  for (const [a, b] of [...GUIDE_BLACKLIST_PORTS, ...avoid]) {
    for (let p = Math.max(0, a); p <= Math.min(65535, b); p++) blocked[p] = 1;
  }
  const out: number[] = [];
  for (let p = 1024; p <= 65535; p++) {
    if (blocked[p] || WELL_KNOWN_PORTS.has(p)) continue;
    out.push(p);
  }
  if (avoid.length === 0) basePool = out;
  return out;
}

/**
 * `count` distinct knock ports from `candidatePorts(avoid)`. With three or more stages the sequence is
 * neither ascending nor descending (two ports are always one or the other; a single port trivially).
 */
export function pickKnockPorts(count: number, random: () => number, avoid: PortSet = []): number[] {
  const pool = candidatePorts(avoid);
  if (pool.length < count) throw new Error(`not enough free ports for ${count} knock stages`);
  const draw = (): number => {
    const r = random();
    const x = Number.isFinite(r) ? Math.min(Math.max(r, 0), 0.9999999999) : 0;
    return Math.floor(x * pool.length);
  };
  for (let attempt = 0; attempt < 1000; attempt++) {
    const chosen: number[] = [];
    const used = new Set<number>();
    while (chosen.length < count) {
      let i = draw();
      // Linear probe on collision so a poor random source still terminates.
      while (used.has(pool[i])) i = (i + 1) % pool.length;
      used.add(pool[i]);
      chosen.push(pool[i]);
    }
    if (count < 3 || !isMonotonic(chosen)) return chosen;
    // Monotonic: swapping the first two breaks it (for three or more distinct ports).
    [chosen[0], chosen[1]] = [chosen[1], chosen[0]];
    if (!isMonotonic(chosen)) return chosen;
  }
  throw new Error('could not pick non-sequential knock ports');
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** How firewall filter commands are written at the insertion point. */
export type CommandStyle =
  /** Relative `add ...` inside an existing `/ip firewall filter` section (export form). */
  | 'section'
  /** A new `/ip firewall filter` header followed by relative `add ...` lines. */
  | 'new-section'
  /** `/ip firewall filter add ...` on every line. */
  | 'oneline'
  /** `/ip/firewall/filter/add ...` on every line (v7). */
  | 'slash';

type Props = Array<[string, string]>;

function quote(s: string): string {
  return '"' + s.replace(/[\\"$]/g, (c) => '\\' + c) + '"';
}

function value(v: string): string {
  return /^[A-Za-z0-9_.:,!/-]+$/.test(v) ? v : quote(v);
}

function renderProps(props: Props): string {
  return props.map(([k, v]) => `${k}=${value(v)}`).join(' ');
}

function regexEscape(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, (c) => '\\' + c);
}

function renderCommand(style: CommandStyle, menu: string[], props: Props): string {
  switch (style) {
    case 'section':
    case 'new-section':
      return `add ${renderProps(props)}`;
    case 'oneline':
      return `/${menu.join(' ')} add ${renderProps(props)}`;
    case 'slash':
      return `/${menu.join('/')}/add ${renderProps(props)}`;
  }
}

function validate(o: KnockSetupOptions): void {
  if (!Number.isInteger(o.stages) || o.stages < 1 || o.stages > 10) {
    throw new Error(`stages must be a whole number from 1 to 10 (got ${String(o.stages)})`);
  }
  if (o.protocol !== 'tcp' && o.protocol !== 'udp') {
    throw new Error(`protocol must be tcp or udp (got ${String(o.protocol)})`);
  }
  for (const [name, t] of [
    ['stage timeout', o.stageTimeout],
    ['final timeout', o.finalTimeout],
  ] as const) {
    if (typeof t !== 'string' || !TIME_RE.test(t)) {
      throw new Error(`${name} must be a RouterOS time such as 30s, 30m, 1h30m or 00:00:30 (got "${String(t)}")`);
    }
  }
  for (const [name, v] of [
    ['final list', o.finalList],
    ['WAN interface list', o.wanList],
  ] as const) {
    if (v !== undefined && !NAME_RE.test(v)) {
      throw new Error(`${name} must be a plain name (letters, digits, - _ . :), got "${v}"`);
    }
  }
  if (o.layer7Passphrase !== undefined) {
    if (o.protocol !== 'udp') {
      throw new Error('a layer7 passphrase needs protocol udp: a TCP SYN carries no payload to match');
    }
    if (o.layer7Passphrase.length === 0 || /[\r\n]/.test(o.layer7Passphrase)) {
      throw new Error('the layer7 passphrase must be a non-empty single line');
    }
  }
}

interface Anchor {
  rule: Rule;
  command: Command;
}

/** The WAN side the setup listens on, as a property pair. */
type WanMatch = [string, string];

interface Placement {
  insertAt: number;
  style: CommandStyle;
  indent: string;
  /** Where a layer7 definition goes (before the enclosing `/ip firewall filter` section header). */
  layer7At: number;
  wan: WanMatch;
  /** Text to put before the block (a newline when the file does not end with one). */
  prefix: string;
  /** Where the blacklist drop goes when not at the head of the block (the top of the input chain). */
  blacklistDrop?: Spot;
}

const FILTER_MENU = ['ip', 'firewall', 'filter'];

/** Lists and ports the new setup must not collide with. */
interface Avoid {
  lists: Set<string>;
  ports: PortSet;
}

function collectAvoid(model: FirewallModel | undefined): Avoid {
  const lists = new Set<string>();
  const ports: PortSet = [];
  if (!model) return { lists, ports };
  for (const l of model.addressLists.values()) lists.add(l.name);
  for (const t of model.tables.values()) {
    for (const r of t.rules) {
      for (const m of [r.match.dstPort, r.match.anyPort, r.match.srcPort]) {
        if (m && !('unknown' in m.value)) ports.push(...(m.value as PortSet));
      }
    }
  }
  return { lists, ports };
}

function stageListNames(n: number, avoid: Set<string>): string[] {
  for (const prefix of ['knock', 'knock-', 'knockseq', 'knockseq-']) {
    const names = Array.from({ length: n - 1 }, (_, i) => `${prefix}${i + 1}`);
    if (names.every((x) => !avoid.has(x))) return names;
  }
  for (let k = 2; ; k++) {
    const names = Array.from({ length: n - 1 }, (_, i) => `knock${k}-${i + 1}`);
    if (names.every((x) => !avoid.has(x))) return names;
  }
}

function uniqueName(base: string, avoid: Set<string>): string {
  if (!avoid.has(base)) return base;
  for (let k = 2; ; k++) if (!avoid.has(`${base}${k}`)) return `${base}${k}`;
}

/**
 * Generates the setup. Without `existingText` (or for an empty file) the result is a stand-alone
 * block in the one-line style. Throws an Error with a clear message on invalid options.
 * `prepared`: the parse and model of `existingText` when the caller has them (the language server's
 * cached lint), which saves parsing the file again.
 */
export function generateKnockSetup(
  options: KnockSetupOptions,
  existingText?: string,
  prepared?: { parse: ParseResult; model: FirewallModel },
): KnockSetup {
  validate(options);
  const text = existingText ?? '';
  let model: FirewallModel | undefined;
  let script: Script | undefined;
  if (text.trim() !== '') {
    const pr = prepared?.parse ?? parse(text);
    script = pr.script;
    model = prepared?.model ?? buildModel(pr, text);
  }
  const avoid = collectAvoid(model);
  const ports = pickKnockPorts(options.stages, options.random, avoid.ports);
  const finalList = options.finalList ?? 'secured';
  const stageLists = [...stageListNames(options.stages, avoid.lists), finalList];
  const l7name = options.layer7Passphrase !== undefined ? uniqueName('knock-pass', new Set(model?.layer7.keys() ?? [])) : undefined;

  const placement = place(text, script, model, options, ports);
  const wanProp: WanMatch = options.wanList ? ['in-interface-list', options.wanList] : placement.wan;

  const seq = ports.join(' -> ');
  const clientCommand =
    options.protocol === 'tcp'
      ? `for x in ${ports.join(' ')}; do nmap -Pn -p $x --max-retries 0 ROUTER; done`
      : options.layer7Passphrase !== undefined
        ? `for x in ${ports.join(' ')}; do printf %s 'PASSPHRASE' | nc -u -w1 ROUTER $x; done`
        : `for x in ${ports.join(' ')}; do echo | nc -u -w1 ROUTER $x; done`;

  const lines: string[] = [];
  const ind = placement.indent;
  const cmd = (props: Props): string => ind + renderCommand(placement.style, FILTER_MENU, props);
  lines.push(
    `${ind}# Port knocking (${options.protocol} ${seq}): ${options.stageTimeout} per stage, grants "${finalList}" for ${options.finalTimeout}`,
    `${ind}# Client: ${clientCommand}`,
  );
  const edits: TextEdit[] = [];
  const blacklistDrop: Props = [
    ['action', 'drop'],
    ['chain', 'input'],
    ['comment', 'drop blacklisted'],
    ['disabled', 'yes'],
    wanProp,
    ['src-address-list', 'blacklist'],
  ];
  const blacklistHeader = '# Blacklist (added disabled: enable after the knock sequence is proven to work)';
  if (options.withBlacklist && placement.blacklistDrop) {
    // At the very top of the input chain, above every knock stage (the guide).
    const spot = placement.blacklistDrop;
    edits.push({
      start: spot.insertAt,
      end: spot.insertAt,
      newText: `${spot.indent}${blacklistHeader}\n${spot.indent}${renderCommand(spot.style === 'new-section' ? 'oneline' : spot.style, FILTER_MENU, blacklistDrop)}\n`,
    });
  } else if (options.withBlacklist) {
    lines.push(`${ind}${blacklistHeader}`, cmd(blacklistDrop));
  }
  ports.forEach((port, i) => {
    const props: Props = [
      ['action', 'add-src-to-address-list'],
      ['address-list', stageLists[i]],
      ['address-list-timeout', i === ports.length - 1 ? options.finalTimeout : options.stageTimeout],
      ['chain', 'input'],
      ['comment', `knock stage ${i + 1}/${ports.length}`],
      ['dst-port', String(port)],
      wanProp,
    ];
    if (l7name) props.push(['layer7-protocol', l7name]);
    props.push(['protocol', options.protocol]);
    if (i > 0) props.push(['src-address-list', stageLists[i - 1]]);
    lines.push(cmd(props));
  });
  lines.push(
    cmd([
      ['action', 'accept'],
      ['chain', 'input'],
      ['comment', 'knock: accept sources that completed the sequence'],
      wanProp,
      ['src-address-list', finalList],
    ]),
  );
  // The blacklist must never catch a knock port, ours or the file's own sequences'.
  const knockPorts = [...ports, ...existingKnockPorts(model)];
  const scanPorts = portsText(subtractPorts([[21, 23], [8291, 8291], [10000, 60000]], knockPorts));
  if (options.withBlacklist) {
    if (!knockPorts.includes(666)) lines.push(
      cmd([
        ['action', 'add-src-to-address-list'],
        ['address-list', 'blacklist'],
        ['address-list-timeout', '1000m'],
        ['chain', 'input'],
        ['comment', 'blacklist: bad port'],
        ['disabled', 'yes'],
        ['dst-port', '666'],
        wanProp,
        ['protocol', 'tcp'],
      ]),
    );
    lines.push(
      cmd([
        ['action', 'add-src-to-address-list'],
        ['address-list', 'blacklist'],
        ['address-list-timeout', '1m'],
        ['chain', 'input'],
        ['comment', 'blacklist: port scan'],
        ['disabled', 'yes'],
        ['dst-port', scanPorts],
        wanProp,
        ['protocol', 'tcp'],
        ['src-address-list', `!${finalList}`],
      ]),
    );
  }
  let block = lines.join('\n') + '\n';
  if (placement.style === 'new-section') block = '/ip firewall filter\n' + block;
  block = placement.prefix + block;

  if (l7name && options.layer7Passphrase !== undefined) {
    const defPath = placement.style === 'slash' ? '/ip/firewall/layer7-protocol/add' : '/ip firewall layer7-protocol add';
    const def = `${defPath} name=${l7name} regexp=${quote('^' + regexEscape(options.layer7Passphrase) + '$')}\n`;
    if (placement.layer7At === placement.insertAt) {
      // Same spot: the definition goes first inside the block (after the header comments, with its
      // absolute path, which does not change the current menu of a section).
      const at = block.indexOf('\n', block.indexOf('# Client:')) + 1;
      block = block.slice(0, at) + ind + def + block.slice(at);
    } else {
      edits.push({ start: placement.layer7At, end: placement.layer7At, newText: def });
    }
  }
  edits.push({ start: placement.insertAt, end: placement.insertAt, newText: block });
  edits.sort((a, b) => a.start - b.start);
  return { text: block, insertAt: placement.insertAt, ports, edits, lists: stageLists, clientCommand };
}

/** Every port a knock stage of the file listens on (any family, any table). */
function existingKnockPorts(model: FirewallModel | undefined): number[] {
  if (!model) return [];
  const out: number[] = [];
  let knocks: KnockSequence[] = [];
  try {
    knocks = findKnockSequences(model);
  } catch {
    knocks = [];
  }
  for (const k of knocks) {
    for (const st of k.stages) {
      for (const [a, b] of st.ports ?? []) {
        // A stage on a wide range is not a knock we can dodge port by port.
        if (b - a <= 64) for (let p = a; p <= b; p++) out.push(p);
      }
    }
  }
  return out;
}

/** `ranges` without the ports in `remove`. */
export function subtractPorts(ranges: PortSet, remove: readonly number[]): PortSet {
  const holes = [...new Set(remove)].sort((x, y) => x - y);
  const out: PortSet = [];
  for (const [a, b] of ranges) {
    let from = a;
    for (const h of holes) {
      if (h < from || h > b) continue;
      if (h > from) out.push([from, h - 1]);
      from = h + 1;
    }
    if (from <= b) out.push([from, b]);
  }
  return out;
}

function portsText(set: PortSet): string {
  // Short runs as single ports, like the guide writes them (`21,22,23,8291,10000-60000`).
  return set.map(([a, b]) => (b - a <= 2 ? Array.from({ length: b - a + 1 }, (_, i) => a + i).join(',') : `${a}-${b}`)).join(',');
}

// ---------------------------------------------------------------------------------------------
// Where the block goes

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function isSlashPath(text: string, cmd: Command): boolean {
  if (!cmd.path || cmd.path.segments.length < 2) return false;
  const src = text.slice(cmd.path.range.start.offset, cmd.path.range.end.offset);
  return !/\s/.test(src.trim());
}

/** Menu in effect at each top-level statement (a path-only command changes it). */
function menuAt(statements: readonly Statement[]): Map<Statement, string[]> {
  const out = new Map<Statement, string[]>();
  let cur: string[] = [];
  for (const s of statements) {
    out.set(s, cur);
    if (s.kind === 'command' && s.path && !s.verb && !s.callee) {
      cur = applyPath(cur, s);
    }
  }
  return out;
}

function applyPath(cur: string[], cmd: Command): string[] {
  if (!cmd.path) return cur;
  const next = cmd.path.absolute ? [] : [...cur];
  for (const seg of cmd.path.segments) {
    if (seg.text === '..') next.pop();
    else next.push(seg.text);
  }
  return next;
}

function sameMenu(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The synthetic stage rule the anchor must cover: what a knock packet looks like to the firewall. */
function syntheticStage(options: KnockSetupOptions, wan: WanMatch, port: number): Rule | undefined {
  const src = `/ip firewall filter add action=add-src-to-address-list address-list=knock-probe chain=input dst-port=${port} ${wan[0]}=${wan[1]} protocol=${options.protocol}\n`;
  const m = buildModel(parse(src), src);
  return m.tables.get('ip filter')?.rules[0];
}

const TERMINAL = new Set(['accept', 'drop', 'reject', 'tarpit', 'jump']);
const DROPS = new Set(['drop', 'reject', 'tarpit']);

/**
 * The first enabled rule of the input chain that would catch a knock packet (a drop, reject, tarpit,
 * accept or jump covering it): the setup goes above it. The packet arrives on `wan`; without an
 * explicit WAN list from the user, a rule naming its own WAN side (`in-interface=ether1`) is also
 * probed with that side, and the setup then listens there.
 */
function findAnchor(
  model: FirewallModel,
  options: KnockSetupOptions,
  wan: WanMatch,
  port: number,
  skip: ReadonlySet<Command>,
): (Anchor & { wan: WanMatch; accessOnly?: boolean }) | undefined {
  const table = model.tables.get('ip filter');
  if (!table) return undefined;
  const probes = new Map<string, Rule | undefined>();
  const probe = (w: WanMatch): Rule | undefined => {
    const key = w.join('=');
    if (!probes.has(key)) probes.set(key, syntheticStage(options, w, port));
    return probes.get(key);
  };
  const hides = (r: Rule, p: Rule | undefined): boolean => {
    if (!p) return false;
    try {
      return covers(r, p, model);
    } catch {
      return false;
    }
  };
  // What a client that completed the knock sends next: a new connection from the final list.
  const accessSrc = `/ip firewall filter add action=accept chain=input connection-state=new ${wan[0]}=${wan[1]} src-address-list=${options.finalList ?? 'secured'}\n`;
  const access = buildModel(parse(accessSrc), accessSrc).tables.get('ip filter')?.rules[0];
  const blocksAccess = (r: Rule): boolean => {
    if (!access || !DROPS.has(r.action)) return false;
    // A drop of listed sources (a blacklist, a brute-force list) is meant to stay above everything.
    const l = r.match.srcAddressList;
    if (l && !l.negated) return false;
    try {
      return mayOverlap(r, access, model);
    } catch {
      return false;
    }
  };
  for (const r of table.rules) {
    if (r.chain !== 'input' || r.disabled || !TERMINAL.has(r.action)) continue;
    if (skip.has(r.source.command)) continue;
    if (hides(r, probe(wan))) return { rule: r, command: r.source.command, wan };
    const own = options.wanList ? undefined : wanOf(r);
    if (own && own.join('=') !== wan.join('=') && r.action !== 'accept' && hides(r, probe(own))) {
      return { rule: r, command: r.source.command, wan: own };
    }
    // A drop that may catch the service connections after a successful knock (`drop port=22` from
    // the WAN): the accept for the final list must come before it, so the whole block does.
    if (blocksAccess(r)) return { rule: r, command: r.source.command, wan, accessOnly: true };
  }
  return undefined;
}

/** The WAN side a drop rule matches, when it names one positively. */
function wanOf(r: Rule): WanMatch | undefined {
  const il = r.match.inInterfaceList;
  if (il && !il.negated && typeof il.value === 'string') return ['in-interface-list', il.value];
  const i = r.match.inInterface;
  if (i && !i.negated && typeof i.value === 'string') return ['in-interface', i.value];
  return undefined;
}

interface Spot {
  insertAt: number;
  style: CommandStyle;
  indent: string;
  layer7At: number;
}

/** Where and how to write filter commands so they land directly above `rule`. */
function spotAbove(
  text: string,
  script: Script,
  rule: Rule,
  menus: Map<Statement, string[]>,
  top: Set<Statement>,
): Spot {
  const cmd = rule.source.command;
  const at = lineStart(text, Math.min(rule.source.blockRange.start.offset, cmd.range.start.offset));
  const indent = /^[ \t]*/.exec(text.slice(at))![0];
  let style: CommandStyle;
  let layer7At = at;
  if (top.has(cmd) && (!cmd.path || !cmd.path.absolute)) {
    const menu = menus.get(cmd) ?? [];
    style = !cmd.path && sameMenu(menu, FILTER_MENU) ? 'section' : 'oneline';
    // The section header that set the current menu: the layer7 definition goes before it.
    for (let i = script.statements.indexOf(cmd); i >= 0; i--) {
      const s = script.statements[i];
      if (s.kind === 'command' && s.path && !s.verb && !s.callee) {
        layer7At = lineStart(text, s.range.start.offset);
        break;
      }
    }
  } else if (cmd.path && cmd.path.absolute) {
    style = isSlashPath(text, cmd) ? 'slash' : 'oneline';
  } else {
    // A relative command inside a block: full paths are right wherever the block's menu stands.
    style = 'oneline';
  }
  return { insertAt: at, style, indent, layer7At };
}

/**
 * The blacklist drop goes at the very top of the input chain (the guide), above every knock stage:
 * a separate spot when the chain's first rule is above `anchor`, else undefined (it heads the block).
 */
function blacklistSpot(
  text: string,
  script: Script,
  model: FirewallModel,
  anchor: Rule | undefined,
  menus: Map<Statement, string[]>,
  top: Set<Statement>,
  stored: ReadonlySet<Command>,
): Spot | undefined {
  const first = model.tables.get('ip filter')?.rules.find((r) => r.chain === 'input' && !stored.has(r.source.command));
  if (!first || first === anchor) return undefined;
  const spot = spotAbove(text, script, first, menus, top);
  const blockAt = anchor ? spotAbove(text, script, anchor, menus, top).insertAt : text.length;
  return spot.insertAt < blockAt ? spot : undefined;
}

function place(
  text: string,
  script: Script | undefined,
  model: FirewallModel | undefined,
  options: KnockSetupOptions,
  ports: number[],
): Placement {
  const defaultWan: WanMatch = ['in-interface-list', options.wanList ?? 'WAN'];
  const atEnd = (style: CommandStyle): Placement => ({
    insertAt: text.length,
    style,
    indent: '',
    layer7At: text.length,
    wan: defaultWan,
    prefix: text.length > 0 && !text.endsWith('\n') ? '\n' : '',
  });
  if (!script || !model) return atEnd('oneline');

  const menus = menuAt(script.statements);
  const top = new Set<Statement>(script.statements);
  // Stored code (script sources, scheduler events) is not configuration: never anchor there.
  const stored = new Set<Command>();
  walkCommands(script, (c, ctx) => {
    if (ctx.inEmbedded) stored.add(c);
  });
  const anchor = findAnchor(model, options, defaultWan, ports[0], stored);
  if (anchor && !options.wanList && !anchor.accessOnly) {
    // Listen where the rule in the way listens, when it names its WAN side (only a rule that drops
    // the knock packets themselves tells where the WAN is).
    const w = anchor.rule.action === 'accept' ? undefined : wanOf(anchor.rule);
    defaultWan.splice(0, 2, ...(w ?? anchor.wan));
  }
  if (anchor) {
    const spot = spotAbove(text, script, anchor.rule, menus, top);
    return { ...spot, wan: defaultWan, prefix: '', blacklistDrop: blacklistSpot(text, script, model, anchor.rule, menus, top, stored) };
  }

  const withBl = (style: CommandStyle): Placement => ({
    ...atEnd(style),
    blacklistDrop: blacklistSpot(text, script, model, undefined, menus, top, stored),
  });
  // No rule in the way: append, in the file's style.
  const filterRules = model.tables.get('ip filter')?.rules ?? [];
  const anyRelative = script.statements.some((s) => s.kind === 'command' && s.path && !s.verb && !s.callee);
  const anySlash = script.statements.some((s) => s.kind === 'command' && isSlashPath(text, s));
  const last = script.statements[script.statements.length - 1];
  let endMenu = last ? (menus.get(last) ?? []) : [];
  if (last && last.kind === 'command' && last.path && !last.verb && !last.callee) endMenu = applyPath(endMenu, last);
  if (anyRelative && sameMenu(endMenu, FILTER_MENU)) return withBl('section');
  if (anyRelative && filterRules.every((r) => !r.source.command.path)) return withBl('new-section');
  return withBl(anySlash ? 'slash' : 'oneline');
}
