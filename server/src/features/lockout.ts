// What in a script may cut the user off from the router it is uploaded to: the question the upload asks
// before applying (client/src/upload). A pure function of the lint result (and of what the upload
// connects with); no I/O.
//
// It reports:
// - knock findings that leave no way in, and syntax errors (the lint rules in KNOCK_RULES);
// - drops/rejects on the input path that catch every new connection to a management service from the
//   WAN side, the LAN side, or any interface, with no earlier accept that lets those packets through
//   (decided with the model's reasoning in server/src/model/reason.ts: `pathTo`, `stepCatches`,
//   `matchCovers`);
// - management services disabled (`/ip service set ssh disabled=yes`, `disable`), restricted to
//   addresses (`address=`) or moved (`port=`);
// - router addresses removed or disabled (`/ip address remove [find]`);
// - users removed or disabled (`/user remove [find name=admin]`).
// Precision: commands in stored code (scheduler, scripts) run later and are skipped; a command inside
// `:if`/loops, a selection the script computes (`[find ...]`), or a service/user the script names only
// through a variable is reported as "may". Hardening that does not touch the upload's own access
// (disabling telnet while uploading over SSH, removing another user by name) is not reported.

import type { LintResult } from '../lint';
import type { Command, Value } from '../parser/ast';
import { findArg, resolveMenu, valueText, walkCommands } from '../parser/walk';
import { matchCovers, pathTo, stepCatches } from '../model/reason';
import type { Family, Match, Rule } from '../model/types';

/** Lint rules whose findings mean the script may lock the user out (or does not parse at all). */
export const KNOCK_RULES = ['knock-shadowed', 'knock-no-access', 'knock-blacklist-catches-knock', 'parse-error'];

export type LockoutKind = 'knock' | 'parse-error' | 'input-drop' | 'service-disabled' | 'service-restricted' | 'address-removed' | 'user-removed';

export interface LockoutRisk {
  kind: LockoutKind;
  /** One sentence for the question. */
  message: string;
  /** 0-based position of the command (or finding). */
  line: number;
  column: number;
  /** 'will' when the script proves it; 'may' when it depends on the router, a condition or a selection. */
  certainty: 'will' | 'may';
  /** For knock/parse findings: the lint rule id. */
  rule?: string;
}

/** How the upload reaches the router (undefined fields: not known, every management service counts). */
export interface UploadAccess {
  transport?: 'ssh' | 'rest';
  port?: number;
  user?: string;
  plainHttp?: boolean;
  /** Address family of the host the upload connects to (default ip). */
  family?: Family;
}

/** Interface lists taken as the WAN / LAN side when the lint environment names none. */
export interface Sides {
  wanLists?: readonly string[];
  lanLists?: readonly string[];
}

interface Service {
  name: string;
  label: string;
  port: number;
}

/** RouterOS management services (`/ip service`) with their default ports; telnet and ftp are left out on purpose. */
const SERVICES: Service[] = [
  { name: 'ssh', label: 'SSH', port: 22 },
  { name: 'winbox', label: 'WinBox', port: 8291 },
  { name: 'www-ssl', label: 'HTTPS (www-ssl)', port: 443 },
  { name: 'www', label: 'HTTP (www)', port: 80 },
  { name: 'api', label: 'API', port: 8728 },
  { name: 'api-ssl', label: 'API-SSL', port: 8729 },
];

function uploadService(a: UploadAccess | undefined): Service | undefined {
  if (!a?.transport) return undefined;
  const name = a.transport === 'ssh' ? 'ssh' : a.plainHttp ? 'www' : 'www-ssl';
  const base = SERVICES.find((s) => s.name === name)!;
  return { ...base, port: a.port ?? base.port };
}

/** The services the questions are about: the upload's own when known, else every management service. */
function servicesOfInterest(a: UploadAccess | undefined): Service[] {
  const own = uploadService(a);
  return own ? [own] : SERVICES;
}

export function lockoutRisks(result: LintResult, access?: UploadAccess, sides: Sides = {}): LockoutRisk[] {
  const risks: LockoutRisk[] = [];
  for (const f of result.findings) {
    if (!KNOCK_RULES.includes(f.rule)) continue;
    risks.push({
      kind: f.rule === 'parse-error' ? 'parse-error' : 'knock',
      message: f.message,
      line: f.range.start.line,
      column: f.range.start.column,
      certainty: f.rule === 'parse-error' ? 'will' : 'may',
      rule: f.rule,
    });
  }
  try {
    risks.push(...inputDrops(result, access, sides));
  } catch {
    // the analysis must never stop an upload question; the other findings stand
  }
  try {
    risks.push(...commandRisks(result, access));
  } catch {
    // as above
  }
  return risks.sort((a, b) => a.line - b.line || a.column - b.column);
}

// ---------------------------------------------------------------------------------------------
// Drops on the input path

const DROPS = new Set(['drop', 'reject', 'tarpit']);

function probe(port: number, list: string | undefined): Match {
  return {
    protocol: { negated: false, value: 'tcp' },
    dstPort: { negated: false, value: [[port, port]] },
    connectionState: { negated: false, value: ['new'] },
    ...(list ? { inInterfaceList: { negated: false, value: list } } : {}),
    other: {},
  };
}

function inputDrops(result: LintResult, access: UploadAccess | undefined, sides: Sides): LockoutRisk[] {
  const family = access?.family ?? 'ip';
  const table = result.model.tables.get(`${family} filter`);
  if (!table) return [];
  const wan = sides.wanLists?.length ? sides.wanLists : ['WAN'];
  const lan = sides.lanLists?.length ? sides.lanLists : ['LAN'];
  const out: LockoutRisk[] = [];
  for (const rule of table.rules) {
    if (rule.disabled || !DROPS.has(rule.action)) continue;
    const paths = pathTo(rule, result.model).filter((p) => p.entry === 'input');
    if (paths.length === 0) continue;
    const caught: string[] = [];
    let sideWords = '';
    for (const svc of servicesOfInterest(access)) {
      const any = catches(rule, paths, probe(svc.port, undefined), result);
      const w = wan.some((l) => catches(rule, paths, probe(svc.port, l), result));
      const l = lan.some((x) => catches(rule, paths, probe(svc.port, x), result));
      if (!any && !w && !l) continue;
      caught.push(`${svc.label} (port ${svc.port})`);
      const W = `the WAN side (${wan.join(', ')})`;
      const L = `the LAN side (${lan.join(', ')})`;
      const s =
        w && l ? 'from every interface'
        : w ? (any ? `from every interface but ${L}` : `from ${W}`)
        : l ? (any ? `from every interface but ${W}` : `from ${L}`)
        : `from interfaces outside ${W} and ${L}`;
      if (!sideWords || s === 'from every interface') sideWords = s;
    }
    if (caught.length === 0) continue;
    const own = uploadService(access);
    const pos = rule.source.range.start;
    out.push({
      kind: 'input-drop',
      message:
        `${rule.action} on the input chain catches new ${caught.join(', ')} connections ${sideWords}` +
        (own ? `, the service this upload uses` : '') +
        (rule.source.conditional ? ' (if the condition around it holds)' : ''),
      line: pos.line,
      column: pos.column,
      certainty: rule.source.conditional || !rule.positionKnown || sideWords !== 'from every interface' ? 'may' : 'will',
    });
  }
  return out;
}

/**
 * Does `rule` drop every packet of `p` on some path from input? It must match all of them (given the
 * jumps taken to reach it), and no terminal step before it may catch them all first.
 */
function catches(rule: Rule, paths: ReturnType<typeof pathTo>, p: Match, result: LintResult): boolean {
  const model = result.model;
  for (const path of paths) {
    const context = [p, ...path.jumps.map((j) => j.match)];
    if (!path.jumps.every((j) => matchCovers(j.match, [p], model))) continue; // a jump these packets do not take
    if (!matchCovers(rule.match, context, model)) continue;
    const earlier = path.steps.some((s) => s.rule !== rule && s.terminal && stepCatches(s, path, rule, model, [p]));
    if (!earlier) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Services, addresses, users

/** The items a `set`/`remove`/`disable` command selects: literal names, or undefined when computed. */
function selection(cmd: Command): { names?: string[]; all: boolean; text: string } {
  const target = cmd.args.find((a) => !a.name);
  const v = target?.value ?? null;
  if (!v) return { names: undefined, all: false, text: '(nothing selected)' };
  const lit = valueText(v);
  if (lit !== undefined) return { names: lit.split(','), all: false, text: lit };
  if (v.kind === 'substitution') {
    const inner = v.statements.length === 1 && v.statements[0].kind === 'command' ? (v.statements[0] as Command) : undefined;
    if (inner?.verb?.text === 'find') {
      const named = findArg(inner, 'name');
      const nameText = named ? valueText(named.value as Value) : undefined;
      const otherArgs = inner.args.filter((a) => a !== named);
      if (nameText !== undefined && otherArgs.length === 0) return { names: [nameText], all: false, text: `[find name=${nameText}]` };
      if (inner.args.length === 0) return { names: undefined, all: true, text: '[find]' };
    }
  }
  return { names: undefined, all: false, text: 'a selection computed on the router' };
}

function argIs(cmd: Command, name: string, value: string): boolean {
  const a = findArg(cmd, name);
  return !!a && valueText(a.value as Value) === value;
}

function commandRisks(result: LintResult, access: UploadAccess | undefined): LockoutRisk[] {
  const out: LockoutRisk[] = [];
  const own = uploadService(access);
  walkCommands(result.parse.script, (cmd, ctx) => {
    if (ctx.inEmbedded || !cmd.verb) return;
    const verb = cmd.verb.text;
    const menu = resolveMenu(cmd, ctx.menu).join(' ');
    const pos = cmd.range.start;
    const add = (kind: LockoutKind, message: string, certain: boolean) =>
      out.push({ kind, message, line: pos.line, column: pos.column, certainty: certain && !ctx.conditional ? 'will' : 'may' });

    if (menu === 'ip service' && (verb === 'set' || verb === 'disable')) {
      const sel = selection(cmd);
      const known = sel.names ? SERVICES.filter((s) => sel.names!.includes(s.name)) : undefined;
      const hits = known ? known.filter((s) => !own || s.name === own.name) : undefined;
      const disabling = verb === 'disable' || argIs(cmd, 'disabled', 'yes');
      const what = hits ? hits.map((s) => s.label).join(', ') : `the services in ${sel.text}`;
      if (hits && hits.length === 0) return;
      const ownNote = own && hits ? ', the service this upload uses' : '';
      if (disabling) add('service-disabled', `disables ${what}${ownNote}`, !!hits);
      else if (findArg(cmd, 'address')) add('service-restricted', `limits ${what}${ownNote} to the addresses ${valueText(findArg(cmd, 'address')!.value as Value) ?? '(computed)'}`, false);
      else if (findArg(cmd, 'port') && own && hits) add('service-restricted', `moves ${what}${ownNote} to port ${valueText(findArg(cmd, 'port')!.value as Value) ?? '(computed)'}: update the router profile's port`, true);
      return;
    }

    if ((menu === 'ip address' || menu === 'ipv6 address') && (verb === 'remove' || verb === 'disable' || (verb === 'set' && (argIs(cmd, 'disabled', 'yes') || !!findArg(cmd, 'address'))))) {
      const sel = selection(cmd);
      const how = verb === 'remove' ? 'removes' : verb === 'set' && findArg(cmd, 'address') && !argIs(cmd, 'disabled', 'yes') ? 'changes' : 'disables';
      add('address-removed', `${how} ${sel.all ? 'every router address' : `router addresses (${sel.text})`}: the address you connect to may go away`, false);
      return;
    }

    if (menu === 'user' && (verb === 'remove' || verb === 'disable' || (verb === 'set' && argIs(cmd, 'disabled', 'yes')))) {
      const sel = selection(cmd);
      const how = verb === 'remove' ? 'removes' : 'disables';
      if (sel.names) {
        const mine = access?.user !== undefined && sel.names.includes(access.user);
        if (access?.user !== undefined && !mine) return; // another user, named: not this upload's login
        add('user-removed', mine ? `${how} the user "${access!.user}" this upload logs in as` : `${how} the user(s) ${sel.names.map((n) => `"${n}"`).join(', ')}`, mine);
      } else {
        add('user-removed', `${how} ${sel.all ? 'every user' : `the users in ${sel.text}`}${access?.user ? `, which may include "${access.user}" this upload logs in as` : ''}`, sel.all);
      }
    }
  });
  return out;
}
