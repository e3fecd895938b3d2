// invalid-value: a firewall property value RouterOS rejects: a port above 65535 or a malformed port
// list, an unknown action for the table, an unknown protocol, connection state or TCP flag, a
// malformed packet size or timeout. Enumerations come from the RouterOS command tree
// (server/src/schema); values the script computes at run time are never judged.
// Reported on the value.

import { valueText } from '../parser';
import type { Argument, Command, Value } from '../parser/ast';
import { argInfo } from '../schema';
import { isIPv4, isIPv6, isMac, parseTime } from '../schema/valueTypes';
import { commandUses } from './util/commands';
import { targetOf, type Target } from './util/target';
import type { Check } from './types';
import type { RawFinding } from './util/finding';
import { ruleMenu } from './util/move';
import { allRules } from './util/rules';

const VERBS = new Set(['add', 'set']);
const PORT_PROPS = new Set(['dst-port', 'src-port', 'port', 'to-ports']);
const TIME_PROPS = new Set(['address-list-timeout']);

const PORT_ITEM = /^(\d+)(?:-(\d+))?$/;
const TIME =
  /^(?:\d+(?:\.\d+)?(?:w|d|h|m|s|ms|us|ns)?)+$|^(?:\d+[wd])?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

export const invalidValue: Check = {
  id: 'invalid-value',
  defaultSeverity: 'error',
  description:
    'A firewall property has a value RouterOS rejects: a port above 65535 or a malformed port list, an unknown action, protocol or state.',
  examples: {
    bad: `/ip firewall filter
add chain=input action=acept protocol=tcp dst-port=22,70000 in-interface-list=WAN
`,
    good: `/ip firewall filter
add chain=input action=accept protocol=tcp dst-port=22,7000-7010 in-interface-list=WAN
`,
  },
  run(ctx) {
    // The model already knows every firewall command that created or changed a rule (nested ones in
    // scripts and blocks included): checking those is much cheaper than walking the whole tree.
    const out: RawFinding[] = [];
    const seen = new Set<Command>();
    for (const rule of allRules(ctx.model)) {
      const menu = ruleMenu(rule);
      for (const cmd of [rule.source.command, ...rule.source.edits]) {
        if (seen.has(cmd)) continue;
        seen.add(cmd);
        const verb = cmd.verb?.text;
        if (!verb || !VERBS.has(verb)) continue;
        for (const arg of cmd.args) {
          const problem = checkArg(menu, arg);
          if (problem) out.push({ rule: 'invalid-value', message: problem.message, range: problem.range });
        }
      }
    }
    // Every other typed value of every command, judged against the target version's tree.
    const t = targetOf(ctx);
    if (!t.v6) {
      for (const use of commandUses(ctx.parse.script).uses) {
        if (use.verb === 'find' || use.verb === 'print') continue;
        if (seen.has(use.command) && FIREWALL.test(use.menu.join(' '))) {
          // the firewall pass above judged its own properties; the rest still gets the typed check
        }
        for (const arg of use.named) {
          const name = arg.name!.text;
          if (seen.has(use.command) && CHECKED.has(name)) continue;
          const problem = checkTyped(t, use.menu, use.verb, arg);
          if (problem) out.push({ rule: 'invalid-value', message: problem.message, range: problem.range });
        }
      }
    }
    return out;
  },
};

const FIREWALL = /^ipv?6? ?firewall /;

/** Keyword values (`auto`, `none`, `unlimited`, `disabled`): typed arguments accept their own keywords. */
const KEYWORD = /^[a-z][a-z0-9-]*$/i;

type Info = NonNullable<ReturnType<typeof argInfo>>;
/** Per target, per menu array (shared by identity), per verb: name -> the argument when its value is typed. */
const typedCache = new WeakMap<Target, WeakMap<readonly string[], Map<string, Map<string, Info | null>>>>();

function typedInfo(t: Target, menu: string[], verb: string, name: string): Info | undefined {
  let a = typedCache.get(t);
  if (!a) typedCache.set(t, (a = new WeakMap()));
  let b = a.get(menu);
  if (!b) a.set(menu, (b = new Map()));
  let c = b.get(verb);
  if (!c) b.set(verb, (c = new Map()));
  let hit = c.get(name);
  if (hit === undefined) {
    const info = (t.schema && !t.below ? t.schema.argInfo(menu, verb, name) : undefined) ?? t.any.argInfo(menu, verb, name);
    hit = info && (info.valueType || (info.closed && info.enum)) ? info : null;
    c.set(name, hit);
  }
  return hit ?? undefined;
}

function checkTyped(t: Target, menu: string[], verb: string, arg: Argument): { message: string; range: Argument['range'] } | undefined {
  const name = arg.name!.text;
  const info = typedInfo(t, menu, verb, name);
  if (!info) return undefined;
  const lit = literal(arg.value);
  if (!lit || lit.text === '') return undefined;
  const bad = (message: string) => ({ message: `${name}=${lit.text}: ${message}`, range: lit.range });
  const vt = info.valueType;
  const text = lit.text;
  if (lit.negated && !info.negatable) return undefined; // `!` on a value: not ours to judge without the flag
  if (vt) {
    switch (vt[0]) {
      case 'time': {
        if (KEYWORD.test(text) || !/^\d/.test(text)) return undefined;
        // `ra-interval=3m20s-10m`, kid-control `mon=0s-1d`: some time settings take a range or list
        if (/[-,]/.test(text)) {
          if (text.split(/[-,]/).every((p) => parseTime(p) !== undefined)) return undefined;
          return bad('not a time interval (e.g. 30s, 5m, 1h30m, 1d, 00:00:30)');
        }
        const ms = parseTime(text);
        if (ms === undefined) return bad('not a time interval (e.g. 30s, 5m, 1h30m, 1d, 00:00:30)');
        const [min, max] = [vt[1], vt[2]];
        if ((min !== null && ms < min) || (max !== null && ms > max)) return bad(`out of range (${info.range ?? ''}): RouterOS says "value of ${name} out of range"`);
        return undefined;
      }
      case 'int': {
        if (!/^-?\d+$/.test(text)) return undefined;
        const n = Number(text);
        if (n < vt[1] || n > vt[2]) return bad(`out of range (${vt[1]}..${vt[2]})`);
        return undefined;
      }
      case 'ip':
      case 'ip-prefix': {
        if (!/^[\d./]+$/.test(text)) return undefined;
        const [addr, len, extra] = text.split('/');
        if (extra !== undefined || !isIPv4(addr)) return bad('not an IPv4 address (a.b.c.d, each part 0..255)');
        if (len !== undefined && !(/^\d{1,2}$/.test(len) && Number(len) <= 32) && !isIPv4(len)) return bad(`/${len} is not a prefix length (0..32)`);
        return undefined;
      }
      case 'ip-range': {
        for (const item of text.split(',')) {
          if (!/^[\d./-]+$/.test(item)) return undefined;
          const [a, b] = item.includes('-') ? item.split('-') : item.split('/');
          if (!isIPv4(a)) return bad(`"${item}" is not an IPv4 address or range`);
          if (item.includes('-') && !isIPv4(b)) return bad(`"${item}" is not an IPv4 range (a.b.c.d-e.f.g.h)`);
          if (item.includes('/') && !(/^\d{1,2}$/.test(b) && Number(b) <= 32)) return bad(`"${item}": /${b} is not a prefix length (0..32)`);
        }
        return undefined;
      }
      case 'ip6-prefix': {
        if (!/^[0-9a-fA-F:./]+$/.test(text) || !text.includes(':')) return undefined;
        const [addr, len] = text.split('/');
        if (!isIPv6(addr)) return bad('not an IPv6 address or prefix');
        if (len !== undefined && !(/^\d{1,3}$/.test(len) && Number(len) <= 128)) return bad(`/${len} is not a prefix length (0..128)`);
        return undefined;
      }
      case 'mac': {
        const mac = text.split('/')[0];
        if (!/^[0-9a-fA-F:.-]+$/.test(mac) || !/[:.-]/.test(mac)) return undefined;
        if (!isMac(mac)) return bad('not a MAC address (AA:BB:CC:DD:EE:FF)');
        return undefined;
      }
      case 'enum':
        return enumProblem(info, text, lit.negated, bad);
      default:
        break;
    }
  }
  if (info.closed && info.enum) return enumProblem(info, text, lit.negated, bad);
  return undefined;
}

function enumProblem(
  info: NonNullable<ReturnType<typeof argInfo>>,
  text: string,
  negated: boolean,
  bad: (m: string) => { message: string; range: Argument['range'] },
): { message: string; range: Argument['range'] } | undefined {
  const values = (info.enum ?? []).map((e) => e.value);
  if (values.length === 0) return undefined;
  const isBool = values.length === 2 && values.includes('yes') && values.includes('no');
  const items = info.list ? text.split(',') : [text];
  for (const raw of items) {
    const v = raw.trim().replace(/^!/, '');
    if (v === '' || values.includes(v) || uniquePrefix(values, v)) continue;
    if (isBool && (v === 'true' || v === 'false')) continue;
    // numbers where the router lists a few choices of a numeric setting are not judged
    if (/^\d/.test(v) && !values.some((x) => /^\d/.test(x))) continue;
    return bad(`"${v}" is not one of: ${values.join(', ')}`);
  }
  void negated;
  return undefined;
}

interface Literal {
  text: string;
  negated: boolean;
  range: Argument['range'];
}

function literal(v: Value | null): Literal | undefined {
  if (!v) return undefined;
  if (v.kind === 'negated') {
    const inner = literal(v.value);
    return inner ? { ...inner, negated: true, range: v.range } : undefined;
  }
  const t = valueText(v);
  if (t === undefined) return undefined;
  if (t.startsWith('!')) return { text: t.slice(1), negated: true, range: v.range };
  return { text: t, negated: false, range: v.range };
}

/** RouterOS accepts an unambiguous prefix of a keyword value (`tcp-flags=sy` is `syn`). */
function uniquePrefix(values: Iterable<string>, v: string): boolean {
  let n = 0;
  for (const x of values) if (x.startsWith(v)) n++;
  return n === 1;
}

const enumCache = new Map<string, Set<string> | null>();

function enumValues(menu: string[], prop: string): Set<string> | undefined {
  const key = `${menu.join(' ')}\u0000${prop}`;
  let hit = enumCache.get(key);
  if (hit === undefined) {
    const info = argInfo(menu, 'add', prop);
    hit = info?.enum && info.enum.length > 0 ? new Set(info.enum.map((e) => e.value).filter((v) => v !== '!' && v !== '!,')) : null;
    enumCache.set(key, hit);
  }
  return hit ?? undefined;
}

/**
 * RouterOS 6 protocol names that 7.x renamed: still valid input for the routers these scripts were
 * written for (`protocol=ipv6`, IP protocol 41, is 7.x's `ipv6-encap`), so never an error.
 */
const LEGACY_PROTOCOLS = new Set(['ipv6']);

/** Properties this check judges; others are skipped before their value is even read. */
const CHECKED = new Set([...PORT_PROPS, ...TIME_PROPS, 'packet-size', 'action', 'protocol', 'connection-state', 'tcp-flags', 'connection-nat-state']);

function checkArg(menu: string[], arg: Argument): { message: string; range: Argument['range'] } | undefined {
  const name = arg.name?.text;
  if (!name || arg.negatedName || !CHECKED.has(name)) return undefined;
  const lit = literal(arg.value);
  if (!lit || lit.text === '') return undefined;
  const where = `/${menu.join(' ')}`;
  const bad = (message: string) => ({ message, range: lit.range });

  if (PORT_PROPS.has(name)) {
    for (const item of lit.text.split(',')) {
      const m = PORT_ITEM.exec(item.trim());
      if (!m) return bad(`${name}=${lit.text}: "${item}" is not a port or port range (0-65535, e.g. 22,8000-8080)`);
      const a = Number(m[1]);
      const b = m[2] !== undefined ? Number(m[2]) : a;
      if (a > 65535 || b > 65535) return bad(`${name}=${lit.text}: port ${Math.max(a, b)} is above 65535`);
      if (b < a) return bad(`${name}=${lit.text}: the range ${item} ends before it starts`);
    }
    return undefined;
  }
  if (name === 'packet-size') {
    const m = PORT_ITEM.exec(lit.text);
    if (!m || Number(m[1]) > 65535 || Number(m[2] ?? m[1]) > 65535 || Number(m[2] ?? m[1]) < Number(m[1])) {
      return bad(`packet-size=${lit.text} is not a size or size range (0-65535)`);
    }
    return undefined;
  }
  if (TIME_PROPS.has(name)) {
    if (lit.text === 'none-dynamic' || lit.text === 'none-static' || TIME.test(lit.text)) return undefined;
    return bad(`${name}=${lit.text} is not a time interval (e.g. 30s, 30m, 1d) or none-dynamic/none-static`);
  }
  if (name === 'action') {
    const values = enumValues(menu, 'action');
    if (values && !values.has(lit.text) && !lit.negated && !uniquePrefix(values, lit.text)) {
      return bad(`unknown action "${lit.text}" for ${where} (expected one of: ${[...values].join(', ')})`);
    }
    return undefined;
  }
  if (name === 'protocol') {
    if (/^\d+$/.test(lit.text)) {
      return Number(lit.text) > 255 ? bad(`protocol=${lit.text}: protocol numbers go up to 255`) : undefined;
    }
    if (LEGACY_PROTOCOLS.has(lit.text)) return undefined;
    const values = enumValues(menu, 'protocol');
    if (values && !values.has(lit.text) && !uniquePrefix(values, lit.text)) return bad(`unknown protocol "${lit.text}" for ${where}`);
    return undefined;
  }
  if (name === 'connection-state' || name === 'tcp-flags' || name === 'connection-nat-state') {
    const values = enumValues(menu, name);
    if (!values) return undefined;
    for (const item of lit.text.split(',')) {
      const v = item.trim().replace(/^!/, '');
      if (v !== '' && !values.has(v) && !uniquePrefix(values, v)) {
        return bad(`unknown ${name} value "${v}" (expected: ${[...values].join(', ')})`);
      }
    }
    return undefined;
  }
  return undefined;
}
