// The router's management services (`/ip service`) as the script leaves them: which are enabled, on
// which port, and from which addresses. Pure: read from the syntax tree, never from the router.
//
// Decisions:
// - A service the script does not touch keeps RouterOS's default (an `/export` writes only what differs
//   from the default): ftp 21, ssh 22, telnet 23, www 80, winbox 8291, api 8728, api-ssl 8729 enabled,
//   www-ssl 443 disabled (it needs a certificate).
// - A change the script may or may not make (inside `:if`/loops/functions, a value computed at run time,
//   a `[find ...]` selector we cannot read) makes the affected field `unknown`: consumers stay silent.
// - `address=` empty, or holding `0.0.0.0/0` or `::/0`, is no limit; any other value limits the service
//   to those sources (the checks then never call it exposed to the whole WAN).

import type { Argument, Command, Script, Value } from '../parser/ast';
import { valueText, walkCommands } from '../parser/walk';

export type ServiceName = 'ftp' | 'ssh' | 'telnet' | 'www' | 'www-ssl' | 'winbox' | 'api' | 'api-ssl';

export interface ServiceState {
  name: ServiceName;
  /** The port it listens on, or `unknown` when the script sets it to something we cannot read. */
  port: number | 'unknown';
  /** `unknown` when a possibly-running command (`:if`, a loop) changes it. */
  disabled: boolean | 'unknown';
  /** Source prefixes it accepts; `[]` = no limit; `unknown` = set to a value we cannot read. */
  address: string[] | 'unknown';
  /** The last command that changed it, if any (for related information). */
  setBy?: Command;
}

export const SERVICE_DEFAULTS: Readonly<Record<ServiceName, { port: number; disabled: boolean }>> = {
  ftp: { port: 21, disabled: false },
  ssh: { port: 22, disabled: false },
  telnet: { port: 23, disabled: false },
  www: { port: 80, disabled: false },
  'www-ssl': { port: 443, disabled: true },
  winbox: { port: 8291, disabled: false },
  api: { port: 8728, disabled: false },
  'api-ssl': { port: 8729, disabled: false },
};

const NAMES = Object.keys(SERVICE_DEFAULTS) as ServiceName[];

function isName(s: string): s is ServiceName {
  return (NAMES as string[]).includes(s);
}

const cache = new WeakMap<Script, Map<ServiceName, ServiceState>>();

/** The state of every management service after the script ran. Cached per syntax tree. */
export function servicesOf(script: Script, text: string): Map<ServiceName, ServiceState> {
  const hit = cache.get(script);
  if (hit) return hit;
  const out = new Map<ServiceName, ServiceState>();
  for (const n of NAMES) out.set(n, { name: n, port: SERVICE_DEFAULTS[n].port, disabled: SERVICE_DEFAULTS[n].disabled, address: [] });
  // commands without a path of their own share their section's menu array: its lower-cased form once
  let lastMenu: readonly string[] | undefined;
  let lastResolved: string[] = [];
  walkCommands(script, (cmd, ctx) => {
    if (ctx.inEmbedded) return;
    let menu: string[];
    if (!cmd.path && ctx.menu === lastMenu) menu = lastResolved;
    else {
      menu = menuOf(cmd, ctx.menu);
      if (!cmd.path) {
        lastMenu = ctx.menu;
        lastResolved = menu;
      }
    }
    if (menu.length !== 2 || menu[0] !== 'ip' || menu[1] !== 'service') return;
    const verb = cmd.verb?.text;
    if (verb !== 'set' && verb !== 'disable' && verb !== 'enable') return;
    const targets = selected(cmd, text);
    const uncertain = ctx.conditional || targets === 'unknown';
    for (const n of targets === 'unknown' ? NAMES : targets) apply(out.get(n)!, cmd, verb, uncertain);
  });
  cache.set(script, out);
  return out;
}

function menuOf(cmd: Command, current: readonly string[]): string[] {
  const p = cmd.path;
  const out = p && p.absolute ? [] : current.map((s) => s.toLowerCase());
  if (p) {
    for (const s of p.segments) {
      if (s.text === '..') out.pop();
      else if (s.text !== '' && s.text !== '.') out.push(s.text.toLowerCase());
    }
  }
  return out;
}

/** The services a set/enable/disable command selects, or `unknown`. */
function selected(cmd: Command, text: string): ServiceName[] | 'unknown' {
  const sel: Argument | undefined = cmd.args.find((a) => !a.name) ?? cmd.args.find((a) => a.name?.text === 'numbers');
  if (!sel || !sel.value) return 'unknown';
  const v = sel.value;
  const lit = valueText(v);
  if (lit !== undefined) {
    const names = lit.split(',').map((s) => s.trim());
    return names.every(isName) ? (names as ServiceName[]) : 'unknown';
  }
  if (v.kind === 'substitution') {
    // `[find name=ssh]`, `[ find where name="ssh" ]`, `[find]` (every service)
    const src = sourceText(v, text);
    const m = /^\[\s*find\s+(?:where\s+)?name\s*=\s*"?([a-z-]+)"?\s*\]$/.exec(src);
    if (m) return isName(m[1]) ? [m[1]] : 'unknown';
    if (/^\[\s*find\s*\]$/.test(src)) return [...NAMES];
  }
  return 'unknown';
}

function sourceText(v: Value, text: string): string {
  return text.slice(v.range.start.offset, v.range.end.offset);
}

function apply(st: ServiceState, cmd: Command, verb: string, uncertain: boolean): void {
  const change = <K extends 'port' | 'disabled' | 'address'>(k: K, v: ServiceState[K]) => {
    if (uncertain && JSON.stringify(st[k]) !== JSON.stringify(v)) (st as unknown as Record<K, string>)[k] = 'unknown';
    else st[k] = v;
    st.setBy = cmd;
  };
  if (verb === 'disable') return change('disabled', true);
  if (verb === 'enable') return change('disabled', false);
  for (const a of cmd.args) {
    const name = a.name?.text;
    if (!name) continue;
    const t = valueText(a.value);
    if (name === 'disabled') {
      const b = t === undefined ? undefined : bool(t);
      change('disabled', b === undefined ? 'unknown' : b);
    } else if (name === 'port') {
      const n = t !== undefined && /^[0-9]+$/.test(t) ? Number(t) : undefined;
      change('port', n !== undefined && n <= 65535 ? n : 'unknown');
    } else if (name === 'address') {
      if (t === undefined) change('address', 'unknown');
      else {
        const prefixes = t.split(',').map((s) => s.trim()).filter((s) => s !== '');
        change('address', prefixes.some((p) => p === '0.0.0.0/0' || p === '::/0') ? [] : prefixes);
      }
    }
  }
}

function bool(t: string): boolean | undefined {
  if (t === 'yes' || t === 'true') return true;
  if (t === 'no' || t === 'false') return false;
  return undefined;
}

/**
 * The services listening on `port` that accept connections from every source: enabled (for certain),
 * not limited by `address=`. `maybe` lists those whose state the script leaves uncertain.
 */
export function servicesOnPort(script: Script, text: string, port: number): { open: ServiceState[]; maybe: ServiceState[] } {
  const open: ServiceState[] = [];
  const maybe: ServiceState[] = [];
  for (const s of servicesOf(script, text).values()) {
    if (s.port === 'unknown' || s.disabled === 'unknown' || s.address === 'unknown') {
      if (s.port === 'unknown' || s.port === port) maybe.push(s);
      continue;
    }
    if (s.port !== port || s.disabled || s.address.length > 0) continue;
    open.push(s);
  }
  return { open, maybe };
}
