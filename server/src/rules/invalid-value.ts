// invalid-value: a firewall property value RouterOS rejects: a port above 65535 or a malformed port
// list, an unknown action for the table, an unknown protocol, connection state or TCP flag, a
// malformed packet size or timeout. Enumerations come from the RouterOS command tree
// (server/src/schema); values the script computes at run time are never judged.
// Reported on the value.

import { valueText } from '../parser';
import type { Argument, Command, Value } from '../parser/ast';
import { argInfo } from '../schema';
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
    return out;
  },
};

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
    if (values && !values.has(lit.text) && !lit.negated) {
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
    if (values && !values.has(lit.text)) return bad(`unknown protocol "${lit.text}" for ${where}`);
    return undefined;
  }
  if (name === 'connection-state' || name === 'tcp-flags' || name === 'connection-nat-state') {
    const values = enumValues(menu, name);
    if (!values) return undefined;
    for (const item of lit.text.split(',')) {
      const v = item.trim().replace(/^!/, '');
      if (v !== '' && !values.has(v)) {
        return bad(`unknown ${name} value "${v}" (expected: ${[...values].join(', ')})`);
      }
    }
    return undefined;
  }
  return undefined;
}
