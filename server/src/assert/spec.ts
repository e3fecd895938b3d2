// Firewall assertions: what must hold of the firewall a script builds, stated in `.rsc-lint.json`
// (`assertions`), with packets described in RouterOS's own matcher syntax and read by our parser and
// model, so an assertion means exactly what the same text means in a firewall rule. Format and examples:
// docs/assertions.md. Pure: validation of the config value, and compilation of the matcher text.
//
//   { "name": "WAN management closed", "files": ["router.rsc"],
//     "packets": "chain=input in-interface-list=WAN protocol=tcp dst-port=22,8291,8728 src-address-list=!secured connection-state=new",
//     "expect": "never-accepted" }
//   { "name": "knock opens ssh", "files": ["knock.rsc"], "expect": "knock-grants",
//     "grants": "protocol=tcp dst-port=22", "within": "30s" }

import { parse } from '../parser';
import { buildModel } from '../model';
import type { Family, Match } from '../model/types';
import type { Range } from '../parser/ast';
import { parsePortSet, parseTimeout } from '../model/values';
import type { Hook } from '../semantics';

export const EXPECTATIONS = ['never-accepted', 'all-accepted', 'knock-grants'] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

/** One assertion as written in `.rsc-lint.json`. */
export interface AssertionConfig {
  name: string;
  /** Globs relative to the config file's folder: the scripts the assertion is about (default: all). */
  files?: string[];
  /** `ip` (default) or `ipv6`: which firewall. */
  family?: Family;
  /** Matcher text with `chain=input|forward|output`; several texts: their union. */
  packets?: string | string[];
  /** Matcher texts taken out of `packets` (`chain=` optional: default the chains of `packets`). */
  except?: string | string[];
  expect: Expectation;
  /** knock-grants: `protocol=tcp dst-port=22` (ports: a list or ranges, at most 64 ports). */
  grants?: string;
  /** knock-grants: a client that knocks and connects within this time gets in (`30s`, `1m`). */
  within?: string;
}

/** An assertion as the check receives it (plain data: it crosses to the CLI's worker threads). */
export interface AssertionSpec extends AssertionConfig {
  /** Position in the `assertions` array (0-based). */
  index: number;
  /** Absolute path of the config file that states it. */
  configFile?: string;
  /** Where its entry is in that file. */
  range?: Range;
}

export const ASSERTION_KEYS = ['name', 'files', 'family', 'packets', 'except', 'expect', 'grants', 'within'] as const;

/** A bad assertion: the message names it and says what to write. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

/** Matchers an assertion's packets may use: conditions on the packet the semantics models exactly. */
export const PACKET_MATCHERS: readonly string[] = [
  'protocol', 'src-port', 'dst-port', 'port', 'src-address', 'dst-address', 'src-address-list', 'dst-address-list',
  'in-interface', 'out-interface', 'in-interface-list', 'out-interface-list', 'connection-state',
  'connection-nat-state', 'tcp-flags', 'packet-size', 'src-mac-address', 'icmp-options', 'dst-address-type',
  'src-address-type', 'connection-mark', 'layer7-protocol', 'content', 'ipsec-policy',
];
const HOOK_CHAINS: readonly Hook[] = ['input', 'forward', 'output'];

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function texts(v: unknown, where: string): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || list.some((x) => typeof x !== 'string' || x.trim() === '')) {
    throw new AssertionError(`${where} must be matcher text such as "chain=input protocol=tcp dst-port=22", or a non-empty list of them, not ${kind(v)}`);
  }
  return list as string[];
}

/** Validates one entry of `assertions` (`where` prefixes messages: `file: assertion 2`). */
export function validateAssertion(raw: unknown, where: string): AssertionConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new AssertionError(`${where} must be an object {"name", "packets", "expect"}, not ${kind(raw)}`);
  const o = raw as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name.trim() === '') throw new AssertionError(`${where} needs a "name" (a non-empty string saying what must hold)`);
  const at = `${where} ("${o.name}")`;
  for (const k of Object.keys(o)) {
    if (!(ASSERTION_KEYS as readonly string[]).includes(k)) throw new AssertionError(`${at}: unknown key "${k}" (allowed: ${ASSERTION_KEYS.join(', ')})`);
  }
  if (typeof o.expect !== 'string' || !(EXPECTATIONS as readonly string[]).includes(o.expect)) {
    throw new AssertionError(`${at}: "expect" must be ${EXPECTATIONS.map((e) => `"${e}"`).join(', ')}, not ${o.expect === undefined ? 'missing' : kind(o.expect)}`);
  }
  const out: AssertionConfig = { name: o.name, expect: o.expect as Expectation };
  if (o.files !== undefined) {
    if (!Array.isArray(o.files) || o.files.some((x) => typeof x !== 'string' || x.trim() === '')) throw new AssertionError(`${at}: "files" must be a list of glob patterns such as ["router.rsc", "sites/*.rsc"], not ${kind(o.files)}`);
    out.files = o.files as string[];
  }
  if (o.family !== undefined) {
    if (o.family !== 'ip' && o.family !== 'ipv6') throw new AssertionError(`${at}: "family" must be "ip" or "ipv6", not ${kind(o.family)}`);
    out.family = o.family;
  }
  if (out.expect === 'knock-grants') {
    for (const k of ['packets', 'except'] as const) if (o[k] !== undefined) throw new AssertionError(`${at}: "${k}" is for never-accepted / all-accepted; a knock-grants assertion says "grants" and "within"`);
    if (typeof o.grants !== 'string' || o.grants.trim() === '') throw new AssertionError(`${at}: knock-grants needs "grants": the service the knock opens, e.g. "protocol=tcp dst-port=22"`);
    if (typeof o.within !== 'string' || typeof parseTimeout(o.within) !== 'number') {
      throw new AssertionError(`${at}: knock-grants needs "within": the time a client takes to knock and connect, e.g. "30s" or "1m", not ${o.within === undefined ? 'missing' : kind(o.within)}`);
    }
    out.grants = o.grants;
    out.within = o.within;
    compileGrant(out.grants, at);
    return out;
  }
  for (const k of ['grants', 'within'] as const) if (o[k] !== undefined) throw new AssertionError(`${at}: "${k}" belongs to "expect": "knock-grants"`);
  if (o.packets === undefined) throw new AssertionError(`${at}: needs "packets": the traffic it is about, e.g. "chain=input in-interface-list=WAN protocol=tcp dst-port=22"`);
  const packets = texts(o.packets, `${at}: "packets"`);
  out.packets = typeof o.packets === 'string' ? o.packets : packets;
  if (o.except !== undefined) {
    const except = texts(o.except, `${at}: "except"`);
    out.except = typeof o.except === 'string' ? o.except : except;
  }
  compileAssertion(out, at);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Matcher text -> Match

export interface PacketPart {
  text: string;
  /** undefined only in `except` without `chain=`. */
  hook?: Hook;
  match: Match;
}

const compiled = new Map<string, { part?: PacketPart; error?: string }>();

/**
 * Reads `chain=input protocol=tcp dst-port=22` as the parser and model read a firewall rule's
 * properties. Errors say what to write; `chainRequired` false for `except`.
 */
export function compilePacketText(text: string, family: Family, chainRequired: boolean): PacketPart {
  const key = `${family}\u0000${chainRequired}\u0000${text}`;
  let c = compiled.get(key);
  if (!c) {
    try {
      c = { part: compileUncached(text, family, chainRequired) };
    } catch (e) {
      c = { error: e instanceof Error ? e.message : String(e) };
    }
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, c);
  }
  if (c.error !== undefined) throw new AssertionError(c.error);
  return c.part!;
}

function compileUncached(text: string, family: Family, chainRequired: boolean): PacketPart {
  const t = text.replace(/\s+/g, ' ').trim();
  if (/[\n\r;{}[\]$]/.test(text)) throw new Error(`"${text}": write only matchers (name=value separated by spaces); variables, [ ] and ; are not allowed`);
  const head = `/${family === 'ipv6' ? 'ipv6' : 'ip'} firewall filter add `;
  const src = `${head}${t}\n`;
  const parsed = parse(src);
  if (parsed.errors.length > 0) throw new Error(`"${text}": not matcher syntax (${parsed.errors[0].message}); write name=value pairs such as protocol=tcp dst-port=22`);
  const model = buildModel(parsed, src);
  const rule = model.tables.get(`${family} filter`)?.rules[0];
  if (!rule) throw new Error(`"${text}": not matcher syntax; write name=value pairs such as chain=input protocol=tcp dst-port=22`);
  for (const name of Object.keys(rule.props)) {
    if (name === 'chain') continue;
    if (name === 'action') throw new Error(`"${text}": describes packets, not a rule: remove action= (the assertion's "expect" says what must happen)`);
    if (!PACKET_MATCHERS.includes(name)) {
      throw new Error(`"${text}": ${name}= is not a packet property an assertion can use (use ${PACKET_MATCHERS.join(', ')})`);
    }
    if (rule.props[name].trim() === '' || rule.props[name].trim() === '!') throw new Error(`"${text}": ${name}= needs a value`);
  }
  if (rule.dynamicProps && rule.dynamicProps.length > 0) throw new Error(`"${text}": values must be literal, not computed (${rule.dynamicProps.join(', ')})`);
  const m = rule.match;
  for (const [k, v] of Object.entries(m)) {
    if (k === 'other') continue;
    const val = (v as { value?: unknown } | undefined)?.value;
    if (val && typeof val === 'object' && (val as { unknown?: boolean }).unknown) {
      throw new Error(`"${text}": ${propName(k)}=${(val as { raw: string }).raw} is not a valid value`);
    }
  }
  let hook: Hook | undefined;
  const chain = rule.props.chain;
  if (chain !== undefined) {
    if (!(HOOK_CHAINS as readonly string[]).includes(chain)) {
      throw new Error(`"${text}": chain=${chain}: say which traffic with chain=input (to the router), chain=forward (through it) or chain=output (from it)`);
    }
    hook = chain as Hook;
  } else if (chainRequired) {
    throw new Error(`"${text}": say which traffic with chain=input (to the router), chain=forward (through it) or chain=output (from it)`);
  }
  return { text, hook, match: m };
}

function propName(field: string): string {
  return field === 'anyPort' ? 'port' : field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export interface CompiledAssertion {
  spec: AssertionConfig;
  family: Family;
  packets: PacketPart[];
  except: PacketPart[];
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

/** The packet parts of a never-/all-accepted assertion (throws AssertionError naming `at`). */
export function compileAssertion(a: AssertionConfig, at = `assertion "${a.name}"`): CompiledAssertion {
  const family = a.family ?? 'ip';
  const wrap = <T>(f: () => T, field: string): T => {
    try {
      return f();
    } catch (e) {
      throw new AssertionError(`${at}: "${field}": ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const packets = list(a.packets).map((t) => wrap(() => compilePacketText(t, family, true), 'packets'));
  const except = list(a.except).map((t) => wrap(() => compilePacketText(t, family, false), 'except'));
  return { spec: a, family, packets, except };
}

export interface Grant {
  protocol: string;
  ports: number[];
  within: number;
}

/** `protocol=tcp dst-port=22` of a knock-grants assertion. */
export function compileGrant(text: string, at: string, within = '0s'): Grant {
  const props = new Map<string, string>();
  for (const w of text.trim().split(/\s+/)) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new AssertionError(`${at}: "grants": "${w}" is not name=value; write e.g. "protocol=tcp dst-port=22"`);
    props.set(w.slice(0, eq), w.slice(eq + 1));
  }
  for (const k of props.keys()) if (k !== 'protocol' && k !== 'dst-port') throw new AssertionError(`${at}: "grants": only protocol= and dst-port= (e.g. "protocol=tcp dst-port=22"), not ${k}=`);
  const protocol = (props.get('protocol') ?? 'tcp').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') throw new AssertionError(`${at}: "grants": protocol=tcp or protocol=udp, not ${protocol}`);
  const pt = props.get('dst-port');
  if (pt === undefined) throw new AssertionError(`${at}: "grants" needs dst-port=, e.g. "protocol=tcp dst-port=22"`);
  const set = parsePortSet(pt);
  if (!set) throw new AssertionError(`${at}: "grants": dst-port=${pt} is not a port list (e.g. 22 or 22,8291)`);
  const ports: number[] = [];
  for (const [a, b] of set) for (let p = a; p <= b && ports.length <= 64; p++) ports.push(p);
  if (ports.length > 64) throw new AssertionError(`${at}: "grants": at most 64 ports (each is knocked for separately)`);
  const w = parseTimeout(within);
  return { protocol, ports, within: typeof w === 'number' ? w : 0 };
}
