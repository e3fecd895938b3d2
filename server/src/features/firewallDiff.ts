// What a change to a firewall does, for people: the pieces semantics/diff.ts proves (traffic whose
// verdict changes between two scripts) grouped and merged into one line per group: hook, direction
// (from the WAN / from the LAN / from the router), protocol, merged destination ports and address
// sets, the deciding rule before and after (number, comment, file and line). Pure: no I/O; the
// answers come from the semantics only (this file projects and merges sets, it never decides a match).
//
// Rows are exact: each is a product (directions x protocols x ports x source x destination x other
// conditions) of packets that all change the same way; two rows are merged only when they differ in
// one of those fields, so the union is again a product.

import type { ParseResult } from '../parser';
import type { Family, FirewallModel, Rule } from '../model/types';
import { wanOf, type WanOptions, type WanView } from '../model/wan';
import { diffFirewalls, type DiffOptions, type DiffPiece, type FirewallDiff, addressText } from '../semantics/diff';
import * as I from '../semantics/iset';
import { type Cube, universe } from '../semantics/sets';
import {
  ADDR_TYPES, E_CMARK, E_DTYPE, E_IN, E_MAC, E_NAT, E_OUT, E_PROTO, E_STATE, E_STYPE, FLAGS, type Hook, HOOKS, I_DADDR, I_DPORT,
  I_SADDR, I_SIZE, I_SPORT, NAT_VALUES, type Space, STATES,
} from '../semantics/space';
import type { SimPacket } from '../simulate/types';
import { wanAtoms } from '../rules/util/exposure';

/** One script of the comparison. */
export interface DiffInput {
  /** How the file is named in the output (`old.rsc`, `-`). */
  name: string;
  text: string;
  parse: ParseResult;
  model: FirewallModel;
}

export type Direction = 'wan' | 'lan' | 'other' | 'router';
export const DIRECTION_TEXT: Record<Direction, string> = { wan: 'from WAN', lan: 'from LAN', other: 'from other', router: 'from router' };

export interface RuleRef {
  table: string;
  chain: string;
  /** The number `print` shows (0-based position in its table). */
  number: number;
  action: string;
  comment?: string;
  file: string;
  /** 1-based. */
  line: number;
  column: number;
}

export interface SideOutcome {
  verdict: 'accept' | 'drop' | 'reject' | 'tarpit';
  /** Undefined: the end of the built-in chain (RouterOS accepts). */
  rule?: RuleRef;
}

export type ChangeKind = 'widened' | 'narrowed' | 'changed';

export interface DiffExample {
  packet: SimPacket;
  /** Address lists the packet's addresses are in at run time (`src:trusted`), besides the scripts' entries. */
  inLists: string[];
  before: { verdict: string; rule?: RuleRef };
  after: { verdict: string; rule?: RuleRef };
  /** The simulator gives the change's verdicts and rules for this packet. */
  agrees: boolean;
}

/** One line of the report: packets that all change the same way. */
export interface DiffChange {
  family: Family;
  hook: Hook;
  directions: Direction[];
  /** Arriving on any interface (every direction the scripts tell apart). */
  anyDirection: boolean;
  /** Protocol names (`other` for protocols no rule names); empty array never; `any` covers all. */
  protocols: string[];
  anyProtocol: boolean;
  /** The protocols NOT covered, when that is the shorter way to say it (text only). */
  allButProtocols?: string[];
  /** Destination ports (`22,8291,1000-2000`); undefined: any (or the protocols have none). */
  dstPorts?: string;
  /** Source / destination addresses; undefined: any. */
  srcAddress?: string;
  dstAddress?: string;
  /** Further conditions that hold for all of them (`connection-state=new`, `src in "trusted"`). */
  conditions: string[];
  kind: ChangeKind;
  before: SideOutcome;
  after: SideOutcome;
  may: boolean;
  mayBecause: string[];
  example?: DiffExample;
}

export interface DiffReport {
  before: string;
  after: string;
  /** False: the analysis ran out of budget; nothing is proven (not even "no change"). */
  complete: boolean;
  incompleteFamilies: Family[];
  changes: DiffChange[];
  /** What was taken to be the WAN, per side. */
  wan: { before: string; after: string };
  /** What the comparison takes as written although the scripts may not do it (`:if` rules, router items). */
  notes: string[];
  /**
   * No change was found but it is not proven: rules one script has that may not be there as modelled
   * (inside `:if`/loops, unknown positions). False when changes were found or none is proven.
   */
  unproven: boolean;
}

export interface DiffReportOptions extends DiffOptions {
  env?: WanOptions;
}

/** Compares two scripts' firewalls and groups the changes for people. */
export function firewallDiff(before: DiffInput, after: DiffInput, options: DiffReportOptions = {}): DiffReport {
  const diff = diffFirewalls(before.model, after.model, options);
  return reportOf(diff, before, after, options.env ?? {});
}

/** Groups a computed diff (see `firewallDiff`). */
export function reportOf(diff: FirewallDiff, before: DiffInput, after: DiffInput, env: WanOptions = {}): DiffReport {
  const wanB = wanOf(before.model, before.parse.script, before.text, env);
  const wanA = wanOf(after.model, after.parse.script, after.text, env);
  const changes: DiffChange[] = [];
  for (const fam of diff.families) {
    const [sa, sb] = fam.spaces;
    const cls = classes(sa, sb, wanB, wanA, env, before.model, after.model);
    const rows: Row[] = [];
    for (const p of fam.pieces) for (const c of p.set.cubes) rows.push(...rowsOf(sb, cls, p, c));
    for (const r of merge(rows)) changes.push(changeOf(sb, r, before, after, r.hook !== 'output' && (r.dirs & cls.all) === cls.all && cls.all !== 1));
  }
  changes.sort(compareChanges);
  const notes: string[] = [];
  for (const [side, rules, input] of [['before', diff.uncertain.before, before], ['after', diff.uncertain.after, after]] as const) {
    void side;
    if (rules.length > 0) {
      const lines = rules.slice(0, 3).map((r) => r.source.range.start.line + 1);
      notes.push(
        `${input.name}: ${rules.length} rule${rules.length === 1 ? '' : 's'} created, changed or placed by commands that may not run (inside :if, loops, functions) or at an unknown position (line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}${rules.length > 3 ? ', ...' : ''}) ${rules.length === 1 ? 'is' : 'are'} compared as written`,
      );
    }
    const un = input.model.unresolved;
    if (un.length > 0) {
      const lines = un.slice(0, 3).map((u) => u.range.start.line + 1);
      notes.push(
        `${input.name}: ${un.length} command${un.length === 1 ? '' : 's'} act${un.length === 1 ? 's' : ''} on items the script does not create (line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}${un.length > 3 ? ', ...' : ''}): the router's own rules are not compared`,
      );
    }
  }
  return {
    unproven: diff.complete && changes.length === 0 && diff.uncertain.before.length + diff.uncertain.after.length > 0,
    notes,
    before: before.name,
    after: after.name,
    complete: diff.complete,
    incompleteFamilies: diff.families.filter((f) => !f.complete).map((f) => f.family),
    changes,
    wan: { before: wanB.describe, after: wanA.describe },
  };
}

// ---------------------------------------------------------------------------------------------
// Projection of cubes onto rows

interface Classes {
  wan: bigint;
  lan: bigint;
  other: bigint;
  /** Direction bits of the classes that hold some interface. */
  all: number;
}

function classes(sa: Space, sb: Space, wanB: WanView, wanA: WanView, env: WanOptions, mb: FirewallModel, ma: FirewallModel): Classes {
  const none = 1n;
  const wan = (wanAtoms(sa, wanB).mask | wanAtoms(sb, wanA).mask) & ~none;
  const lanLists = new Set<string>(env.lanLists ?? []);
  for (const v of [wanB, wanA]) for (const l of v.lanLists) lanLists.add(l);
  for (const m of [mb, ma]) for (const n of m.interfaceLists.keys()) if (n.toLowerCase() === 'lan') lanLists.add(n);
  let lan = 0n;
  for (const l of lanLists) lan |= sa.listMask(l) | sb.listMask(l);
  lan &= ~wan & ~none;
  const other = sb.atomFull & ~wan & ~lan & ~none;
  return { wan, lan, other, all: (wan ? 1 : 0) | (lan ? 2 : 0) | (other ? 4 : 0) };
}

interface Row {
  family: Family;
  hook: Hook;
  dirs: number; // bits: 1 wan, 2 lan, 4 other, 8 router
  proto: bigint;
  /** null: every port (or a protocol without ports). */
  ports: I.ISet<number> | null;
  src: I.ISet<bigint>;
  dst: I.ISet<bigint>;
  conds: string[];
  piece: DiffPiece;
  key: string; // before/after/may
}

const DIR_BITS: Array<[Direction, number]> = [['wan', 1], ['lan', 2], ['other', 4], ['router', 8]];

function rowsOf(space: Space, cls: Classes, p: DiffPiece, c: Cube): Row[] {
  const portProtos = space.portProtoMask();
  const dp = c.iv[I_DPORT] as I.ISet<number>;
  const ports = (c.e[E_PROTO] & portProtos) === 0n || I.subset([0, 65535], dp, 1) ? null : I.subtract(dp, [-1, -1], 1);
  const conds = conditionsOf(space, cls, p.hook, c);
  const key = `${p.before.verdict}|${p.before.rule?.uid ?? ''}|${p.after.verdict}|${p.after.rule?.uid ?? ''}|${p.may}|${p.mayBecause.join(';')}`;
  const base = {
    family: p.family,
    hook: p.hook,
    proto: c.e[E_PROTO],
    ports,
    src: c.iv[I_SADDR] as I.ISet<bigint>,
    dst: c.iv[I_DADDR] as I.ISet<bigint>,
    conds,
    piece: p,
    key,
  };
  if (p.hook === 'output') return [{ ...base, dirs: 8 }];
  let dirs = 0;
  if (c.e[E_IN] & cls.wan) dirs |= 1;
  if (c.e[E_IN] & cls.lan) dirs |= 2;
  if (c.e[E_IN] & cls.other) dirs |= 4;
  return [{ ...base, dirs }];
}

/** The universe's masks of a hook, for the protocols of `c` (what a condition adds to them). */
function universeMask(space: Space, hook: Hook, c: Cube, f: number): bigint {
  let m = 0n;
  for (const u of universe(space, hook)) if (u.e[E_PROTO] & c.e[E_PROTO]) m |= u.e[f];
  return m;
}

function maskNames(mask: bigint, names: readonly string[]): string[] {
  const out: string[] = [];
  names.forEach((n, i) => {
    if ((mask >> BigInt(i)) & 1n) out.push(n);
  });
  return out;
}

function conditionsOf(space: Space, cls: Classes, hook: Hook, c: Cube): string[] {
  const out: string[] = [];
  const enumCond = (f: number, name: string, names: readonly string[], full: bigint) => {
    const m = c.e[f] & full;
    if (m !== full) out.push(`${name}=${maskNames(m, names).join(',')}`);
  };
  enumCond(E_STATE, 'connection-state', STATES, universeMask(space, hook, c, E_STATE));
  enumCond(E_NAT, 'connection-nat-state', NAT_VALUES.map((n) => (n === 'none' ? 'none' : n)), space.natMask);
  enumCond(E_DTYPE, 'dst-address-type', ADDR_TYPES, universeMask(space, hook, c, E_DTYPE));
  enumCond(E_STYPE, 'src-address-type', ADDR_TYPES, universeMask(space, hook, c, E_STYPE));
  enumCond(E_CMARK, 'connection-mark', space.marks.connection.map((m) => (m === '*other' ? '(other)' : m)), space.markFull('connection'));
  enumCond(E_MAC, 'src-mac-address', space.macs.map((m) => (m === '*other' ? '(other)' : m)), (1n << BigInt(space.macs.length)) - 1n);
  // where forwarded / router packets go
  const outAll = universeMask(space, hook, c, E_OUT);
  if (hook !== 'input' && (c.e[E_OUT] & outAll) !== outAll) {
    const to: string[] = [];
    if (c.e[E_OUT] & cls.wan) to.push('WAN');
    if (c.e[E_OUT] & cls.lan) to.push('LAN');
    if (c.e[E_OUT] & cls.other) to.push('other');
    const partial = (['wan', 'lan', 'other'] as const).some((k) => (c.e[E_OUT] & cls[k]) !== 0n && (c.e[E_OUT] & cls[k]) !== (cls[k] & outAll));
    out.push(`to ${partial ? atomNames(space, c.e[E_OUT]) : to.join('+')}`);
  }
  const inAll = universeMask(space, hook, c, E_IN);
  if (hook !== 'output') {
    const partial = (['wan', 'lan', 'other'] as const).some((k) => (c.e[E_IN] & cls[k]) !== 0n && (c.e[E_IN] & cls[k]) !== (cls[k] & inAll));
    if (partial) out.push(`in ${atomNames(space, c.e[E_IN])}`);
  }
  const portProtos = space.portProtoMask();
  if (c.e[E_PROTO] & portProtos) {
    const sp = I.subtract(c.iv[I_SPORT] as I.ISet<number>, [-1, -1], 1);
    if (!I.subset([0, 65535], sp, 1)) out.push(`src-port=${I.text(sp)}`);
  }
  const size = c.iv[I_SIZE] as I.ISet<number>;
  if (!I.subset([0, 65535], size, 1)) out.push(`packet-size=${I.text(size)}`);
  if (c.fon || c.foff) {
    const fl: string[] = [];
    FLAGS.forEach((f, i) => {
      if (c.fon & (1 << i)) fl.push(f);
      if (c.foff & (1 << i)) fl.push(`!${f}`);
    });
    out.push(`tcp-flags=${fl.join(',')}`);
  }
  let bits = c.bt | c.bf;
  for (let i = 0; bits !== 0n; i++, bits >>= 1n) {
    if ((bits & 1n) === 0n) continue;
    const d = space.dims[i];
    const yes = ((c.bt >> BigInt(i)) & 1n) === 1n;
    // where the scripts list different entries, a list dimension is membership by other entries
    if (d.kind === 'list') out.push(`${d.src ? 'src' : 'dst'} ${yes ? 'in' : 'not in'} "${d.list}"${space.listEntries(d.list!) ? ' (other entries)' : ''}`);
    else if (d.kind === 'unknown') out.push(`${yes ? 'when' : 'unless'} ${d.label ?? d.key}`);
    else out.push(`${yes ? '' : 'not '}${d.label ?? d.key}`);
  }
  return out;
}

function atomNames(space: Space, mask: bigint): string {
  const names = maskNames(mask, space.atoms.map((a) => (a.named ? a.label : a.label === '~' ? '(unnamed interface)' : a.label.startsWith('~') ? `(unnamed in ${a.label.slice(1)})` : a.label)));
  return names.join(',');
}

// ---------------------------------------------------------------------------------------------
// Merging rows that differ in one field

const FIELDS = ['ports', 'src', 'dst', 'proto', 'dirs'] as const;

function fieldText(r: Row, f: (typeof FIELDS)[number]): string {
  switch (f) {
    case 'ports':
      return r.ports === null ? '*' : r.ports.join(':');
    case 'src':
      return r.src.join(':');
    case 'dst':
      return r.dst.join(':');
    case 'proto':
      return r.proto.toString(36);
    case 'dirs':
      return String(r.dirs);
  }
}

function merge(rows: Row[]): Row[] {
  let cur = rows;
  for (let pass = 0; pass < 4; pass++) {
    const before = cur.length;
    for (const f of FIELDS) {
      const by = new Map<string, Row>();
      const out: Row[] = [];
      for (const r of cur) {
        const k = [r.family, r.hook, r.key, r.conds.join('\u0001'), ...FIELDS.filter((g) => g !== f).map((g) => fieldText(r, g))].join('\u0000');
        const o = by.get(k);
        if (!o) {
          const copy = { ...r };
          by.set(k, copy);
          out.push(copy);
          continue;
        }
        switch (f) {
          case 'ports':
            o.ports = o.ports === null || r.ports === null ? null : I.union(o.ports, r.ports, 1);
            break;
          case 'src':
            o.src = I.union(o.src, r.src, 1n);
            break;
          case 'dst':
            o.dst = I.union(o.dst, r.dst, 1n);
            break;
          case 'proto':
            o.proto |= r.proto;
            break;
          case 'dirs':
            o.dirs |= r.dirs;
            break;
        }
      }
      cur = out;
    }
    if (cur.length === before) break;
  }
  for (const r of cur) if (r.ports !== null && I.subset([0, 65535], r.ports, 1)) r.ports = null;
  return cur;
}

// ---------------------------------------------------------------------------------------------
// Rows to changes

function ruleRef(model: FirewallModel, rule: Rule | undefined, file: string): RuleRef | undefined {
  if (!rule) return undefined;
  const t = model.tables.get(`${rule.family} ${rule.table}`);
  const start = rule.source.range.start;
  return {
    table: rule.table,
    chain: rule.chain,
    number: t ? t.rules.indexOf(rule) : -1,
    action: rule.action,
    comment: rule.comment,
    file,
    line: start.line + 1,
    column: start.column + 1,
  };
}

/** `10.0.0.0/8,192.168.1.5`, `not 10.0.0.0/8`, undefined for every address. */
export function addressSetText(set: I.ISet<bigint>, v6: boolean, max: bigint): string | undefined {
  const full: I.ISet<bigint> = [0n, max];
  if (I.subset(full, set, 1n)) return undefined;
  const plain = rangesText(set, v6, max);
  const comp = I.subtract(full, set, 1n);
  const neg = `not ${rangesText(comp, v6, max)}`;
  return neg.length < plain.length ? neg : plain;
}

function rangesText(set: I.ISet<bigint>, v6: boolean, max: bigint): string {
  const bits = v6 ? 128n : 32n;
  const parts: string[] = [];
  for (let i = 0; i < set.length; i += 2) {
    const lo = set[i];
    const hi = set[i + 1];
    const prefixes = cidrs(lo, hi, bits, max);
    if (prefixes.length <= 4) parts.push(...prefixes.map(([a, len]) => (len === bits ? addressText(a, v6) : `${addressText(a, v6)}/${len}`)));
    else parts.push(`${addressText(lo, v6)}-${addressText(hi, v6)}`);
  }
  return parts.join(',');
}

function cidrs(lo: bigint, hi: bigint, bits: bigint, max: bigint): Array<[bigint, bigint]> {
  const out: Array<[bigint, bigint]> = [];
  let cur = lo;
  while (cur <= hi && out.length <= 4) {
    let len = bits;
    // the largest block starting at cur that fits
    while (len > 0n) {
      const size = 1n << (bits - len + 1n);
      if (cur % size !== 0n || cur + size - 1n > hi) break;
      len--;
    }
    out.push([cur, len]);
    const next = cur + (1n << (bits - len));
    if (next > max) break;
    cur = next;
  }
  return out;
}

function protocolsOf(space: Space, mask: bigint): string[] {
  return maskNames(mask, [...space.protocols, 'other']);
}

function changeOf(space: Space, r: Row, before: DiffInput, after: DiffInput, anyDirection: boolean): DiffChange {
  const p = r.piece;
  const bv = p.before.verdict;
  const av = p.after.verdict;
  const kind: ChangeKind = bv !== 'accept' && av === 'accept' ? 'widened' : bv === 'accept' && av !== 'accept' ? 'narrowed' : 'changed';
  const allProto = HOOKS.reduce((m, h) => m | universe(space, h).reduce((x, u) => x | u.e[E_PROTO], 0n), 0n);
  const anyProtocol = (r.proto & allProto) === allProto;
  const dirs = DIR_BITS.filter(([, b]) => r.dirs & b).map(([d]) => d);
  const w = p.witness;
  const example: DiffExample | undefined = w
    ? {
        packet: w.after.packet,
        inLists: w.after.seeded,
        before: { verdict: w.before.verdict, rule: ruleRef(before.model, w.before.rule, before.name) },
        after: { verdict: w.after.verdict, rule: ruleRef(after.model, w.after.rule, after.name) },
        agrees: w.agrees,
      }
    : undefined;
  return {
    family: r.family,
    hook: r.hook,
    directions: dirs,
    anyDirection,
    protocols: protocolsOf(space, r.proto),
    anyProtocol,
    allButProtocols: anyProtocol ? undefined : protocolsOf(space, allProto & ~r.proto),
    dstPorts: r.ports === null ? undefined : I.text(r.ports),
    srcAddress: addressSetText(r.src, space.v6, space.addrMax),
    dstAddress: addressSetText(r.dst, space.v6, space.addrMax),
    conditions: r.conds,
    kind,
    before: { verdict: bv, rule: ruleRef(before.model, p.before.rule, before.name) },
    after: { verdict: av, rule: ruleRef(after.model, p.after.rule, after.name) },
    may: p.may,
    mayBecause: p.mayBecause,
    example,
  };
}

const HOOK_ORDER: Record<Hook, number> = { input: 0, forward: 1, output: 2 };
const DIR_ORDER: Record<Direction, number> = { wan: 0, lan: 1, other: 2, router: 3 };

function compareChanges(a: DiffChange, b: DiffChange): number {
  const k = (c: DiffChange): Array<number | string> => [
    c.family === 'ip' ? 0 : 1,
    HOOK_ORDER[c.hook],
    DIR_ORDER[c.directions[0] ?? 'router'],
    c.directions.length,
    c.anyProtocol ? '' : c.protocols.join(','),
    firstPort(c.dstPorts),
    c.srcAddress ?? '',
    c.dstAddress ?? '',
    c.conditions.join(' '),
    c.before.rule?.number ?? -1,
    c.after.rule?.number ?? -1,
  ];
  const x = k(a);
  const y = k(b);
  for (let i = 0; i < x.length; i++) {
    if (x[i] < y[i]) return -1;
    if (x[i] > y[i]) return 1;
  }
  return 0;
}

function firstPort(p: string | undefined): number {
  return p === undefined ? -1 : Number(/^\d+/.exec(p)?.[0] ?? -1);
}

// ---------------------------------------------------------------------------------------------
// Texts

/** `input`, `from WAN`, `tcp 8291`, conditions: the columns of a change's line. */
export function changeColumns(c: DiffChange): { hook: string; direction: string; what: string } {
  const dirs = c.directions;
  const direction = c.hook === 'output' ? 'from router' : c.anyDirection ? 'from any' : `from ${dirs.map((d) => DIRECTION_TEXT[d].slice(5)).join('+')}`;
  const proto = c.anyProtocol ? 'any' : c.allButProtocols && c.allButProtocols.length < c.protocols.length ? `all but ${c.allButProtocols.join(',')}` : c.protocols.join(',');
  const parts = [c.dstPorts !== undefined ? `${proto} ${portsText(c.dstPorts)}` : proto];
  if (c.srcAddress !== undefined) parts.push(`src ${c.srcAddress}`);
  if (c.dstAddress !== undefined) parts.push(`dst ${c.dstAddress}`);
  parts.push(...c.conditions);
  return { hook: c.family === 'ipv6' ? `ipv6 ${c.hook}` : c.hook, direction, what: parts.join(' ') };
}

/** `22,80` or, when shorter, what is left out: `not 22,80`. */
function portsText(ports: string): string {
  const set = I.fromRanges(
    ports.split(',').map((p) => {
      const [a, b] = p.split('-').map(Number);
      return [a, b ?? a] as [number, number];
    }),
    1,
  );
  const comp = `not ${I.text(I.subtract([0, 65535], set, 1))}`;
  return comp.length < ports.length ? comp : ports;
}

/** `drop (rule 14 "drop all from WAN", old.rsc:20)` */
export function outcomeText(o: SideOutcome): string {
  if (!o.rule) return `${o.verdict} (end of chain)`;
  const r = o.rule;
  const table = r.table === 'filter' ? '' : `${r.table} `;
  const comment = r.comment ? ` "${r.comment}"` : '';
  return `${o.verdict} (${table}rule ${r.number}${comment}, ${r.file}:${r.line})`;
}

/** One line per change, columns aligned; a summary line first. */
export function diffText(report: DiffReport): string {
  const lines: string[] = [];
  lines.push(summaryLine(report));
  const cols = report.changes.map(changeColumns);
  const w0 = Math.max(0, ...cols.map((c) => c.hook.length));
  const w1 = Math.max(0, ...cols.map((c) => c.direction.length));
  const w2 = Math.max(0, ...cols.map((c) => c.what.length));
  report.changes.forEach((c, i) => {
    const k = cols[i];
    const may = c.may ? 'may: ' : '';
    lines.push(`${k.hook.padEnd(w0)}  ${k.direction.padEnd(w1)}  ${k.what.padEnd(Math.min(w2, 40))}  ${may}${outcomeText(c.before)} -> ${outcomeText(c.after)}`.trimEnd());
    for (const why of c.mayBecause) lines.push(`${' '.repeat(w0 + 2)}may: ${why}`);
  });
  if (report.changes.length > 0) lines.push(`WAN: ${wanLine(report)}`);
  for (const n of report.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

function wanLine(report: DiffReport): string {
  return report.wan.before === report.wan.after ? report.wan.after : `before: ${report.wan.before}; after: ${report.wan.after}`;
}

export function diffSummary(report: DiffReport): { changes: number; widened: number; narrowed: number; changed: number; widenedFromWan: number; may: number } {
  const s = { changes: report.changes.length, widened: 0, narrowed: 0, changed: 0, widenedFromWan: 0, may: 0 };
  for (const c of report.changes) {
    s[c.kind]++;
    if (c.may) s.may++;
    if (isWidenedFromWan(c)) s.widenedFromWan++;
  }
  return s;
}

/** Something arriving from the WAN is newly accepted (to the router or forwarded). */
export function isWidenedFromWan(c: DiffChange): boolean {
  return c.kind === 'widened' && c.hook !== 'output' && c.directions.includes('wan');
}

function summaryLine(report: DiffReport): string {
  if (!report.complete) {
    const fams = report.incompleteFamilies.map((f) => (f === 'ip' ? 'IPv4' : 'IPv6')).join(' and ');
    return `${report.before} -> ${report.after}: the difference could not be proven (the ${fams} analysis ran out of its work budget)${report.changes.length > 0 ? '; changes found so far:' : ''}`;
  }
  if (report.unproven) return `${report.before} -> ${report.after}: no change found, but not proven: it rests on rules that may not be there as modelled (see the notes)`;
  if (report.changes.length === 0) return `${report.before} -> ${report.after}: no change (every packet gets the same verdict)`;
  const s = diffSummary(report);
  const parts = [`${s.changes} change${s.changes === 1 ? '' : 's'}`];
  if (s.widened) parts.push(`${s.widened} newly accepted${s.widenedFromWan ? ` (${s.widenedFromWan} from WAN)` : ''}`);
  if (s.narrowed) parts.push(`${s.narrowed} newly refused`);
  if (s.changed) parts.push(`${s.changed} refused differently`);
  if (s.may) parts.push(`${s.may} may`);
  return `${report.before} -> ${report.after}: ${parts.join(', ')}`;
}

function mdEscape(s: string): string {
  return s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

/** A Markdown section for a pull-request comment. */
export function diffMarkdown(report: DiffReport): string {
  const out: string[] = [];
  out.push(`### Firewall changes: \`${report.before.replace(/`/g, "'")}\` → \`${report.after.replace(/`/g, "'")}\``, '');
  out.push(mdEscape(summaryLine(report)), '');
  if (report.changes.length > 0) {
    out.push('| | hook | from | traffic | before | after |', '|---|---|---|---|---|---|');
    for (const c of report.changes) {
      const k = changeColumns(c);
      const mark = isWidenedFromWan(c) ? '🔓' : c.kind === 'widened' ? '➕' : c.kind === 'narrowed' ? '🔒' : '↔';
      out.push(`| ${mark}${c.may ? ' may' : ''} | ${mdEscape(k.hook)} | ${mdEscape(k.direction.replace(/^from /, ''))} | ${mdEscape(k.what)} | ${mdEscape(outcomeText(c.before))} | ${mdEscape(outcomeText(c.after))} |`);
    }
    out.push('', `WAN: ${mdEscape(wanLine(report))}`);
    const whys = [...new Set(report.changes.flatMap((c) => c.mayBecause))];
    if (whys.length > 0) out.push('', '"may": ' + whys.map(mdEscape).join('; '));
  }
  for (const n of report.notes) out.push('', `Note: ${mdEscape(n)}`);
  return out.join('\n') + '\n';
}

/** The stable JSON shape (docs/diff-json.md). */
export function diffJson(report: DiffReport): object {
  return {
    version: 1,
    before: report.before,
    after: report.after,
    complete: report.complete,
    changed: report.changes.length > 0,
    unproven: report.unproven,
    summary: diffSummary(report),
    wan: report.wan,
    notes: report.notes,
    changes: report.changes.map((c) => ({
      family: c.family,
      hook: c.hook,
      directions: c.directions,
      anyDirection: c.anyDirection,
      protocols: c.anyProtocol ? ['any'] : c.protocols,
      dstPorts: c.dstPorts ?? null,
      srcAddress: c.srcAddress ?? null,
      dstAddress: c.dstAddress ?? null,
      conditions: c.conditions,
      kind: c.kind,
      widenedFromWan: isWidenedFromWan(c),
      may: c.may,
      mayBecause: c.mayBecause,
      before: { verdict: c.before.verdict, rule: c.before.rule ?? null },
      after: { verdict: c.after.verdict, rule: c.after.rule ?? null },
      example: c.example ?? null,
    })),
  };
}
