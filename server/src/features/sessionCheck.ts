// Does the upload's own session survive the script? The question the upload preview answers before
// applying (client/src/upload): the router's current configuration (its `/export`) followed by the
// script is ONE script, so `remove [find ...]`, `place-before=`, `set` and `move` act on the router's
// rules exactly as the model replays them; the session's packets (from the client address the router
// sees, `/user active`, to the port of the service the upload uses) are one set of the one semantics
// (server/src/semantics), and the verdict is set arithmetic over the input hook's verdict sets.
// Pure: text in, plain values out.
//
// Precision first:
// - "cut" only when every packet of the session is certainly dropped (raw, mangle or filter), or the
//   service is certainly disabled, moved or restricted so that the address is left out;
// - "may" when only some of the session's packets are dropped (the interface it arrives on, address-list
//   membership or a condition such as `limit` decides), a rule that drops them may not exist (`:if`,
//   loops, item numbers), or the script changes the router's rules in a way the model cannot resolve;
// - "unknown" when the analysis ran out of budget, or the router's own firewall (as exported) would not
//   accept the session either (the model of the router misses something: say so, do not guess).

import type { Command, Script, Value } from '../parser/ast';
import { parse, type ParseResult } from '../parser/index';
import { findArg, resolveMenu, valueText, walkCommands } from '../parser/walk';
import { buildModel } from '../model/build';
import { parseAddress, type AddressRange } from '../model/values';
import { servicesOf, type ServiceName, type ServiceState } from '../model/services';
import type { Family, FirewallModel, Match, Rule } from '../model/types';
import { analyze, matchOf, PacketSet, universe, type FamilyReach, type Space } from '../semantics/index';
import { E_IN, jointSpaces } from '../semantics/space';

/** A line of `/user active print terse`: who is logged in from where, through which service. */
export interface ActiveSession {
  name: string;
  address: string;
  via: string;
}

/**
 * Parses `/user active print terse` (v6 and v7: `0 R when=... name=admin address=10.0.0.2 via=ssh ...`).
 * Lines without a name or an address are skipped.
 */
export function parseActiveSessions(text: string): ActiveSession[] {
  const out: ActiveSession[] = [];
  for (const line of text.replace(/\r/g, '').split('\n')) {
    const name = /(?:^|\s)name=("(?:[^"\\]|\\.)*"|\S+)/.exec(line)?.[1];
    const address = /(?:^|\s)address=(\S+)/.exec(line)?.[1];
    const via = /(?:^|\s)via=(\S+)/.exec(line)?.[1] ?? '';
    if (!name || !address) continue;
    out.push({ name: name.replace(/^"(.*)"$/, '$1'), address, via });
  }
  return out;
}

/** The service the upload talks to on the router. */
export type UploadService = 'ssh' | 'www-ssl' | 'www';

/** `via` values of `/user active` that can be the upload's own session. */
function viaMatches(via: string, service: UploadService): boolean {
  if (service === 'ssh') return /^ssh$/i.test(via);
  // REST runs in the web server; RouterOS versions name it differently (web, www, api, rest-api).
  return /^(web|www|www-ssl|http|https|api|rest|rest-api)$/i.test(via);
}

/** The client addresses the router sees for `user`'s sessions through `service` (deduplicated). */
export function sessionAddresses(sessions: ActiveSession[], user: string, service: UploadService): string[] {
  const mine = sessions.filter((s) => s.name === user && viaMatches(s.via, service) && parseAddress(s.address));
  return [...new Set(mine.map((s) => s.address))];
}

/** The export followed by the script, as one text; `scriptStart` is the script's first offset/line. */
export interface Combined {
  text: string;
  scriptOffset: number;
  scriptLine: number;
}

/** The router's export, then a return to the root menu, then the script (RouterOS imports start at the root). */
export function combine(exportText: string, script: string): Combined {
  const head = exportText.replace(/\s*$/, '') + '\n/\n';
  return { text: head + script, scriptOffset: head.length, scriptLine: head.split('\n').length - 1 };
}

/** Where a rule or command lives: the uploaded script (line in the file) or the router (line of the export). */
export interface Place {
  where: 'script' | 'router';
  /** 0-based line in the script, or in the export. */
  line: number;
  /** The command, on one line, shortened. */
  text: string;
  /** `/ip firewall filter` etc. */
  menu: string;
}

export type PartState = 'accepted' | 'dropped' | 'partly' | 'unknown';

export interface SessionPart {
  /** What the router's current firewall does to these packets (from its export). */
  before: PartState;
  /** What it does after the script. */
  after: PartState;
  /** Rules that drop some of these packets after the script (first match order). */
  cutBy: Place[];
  /** Some of `cutBy` exist only if conditional code runs / positions are uncertain. */
  cutByUncertain: boolean;
}

export interface AddressVerdict {
  address: string;
  family: Family;
  /** The interface the session arrives on, when a router address shares its subnet. */
  inInterface?: string;
  established: SessionPart;
  fresh: SessionPart;
  verdict: Verdict;
}

/** keeps: proven; cut: proven; may-cut: some packets or some runs; unknown: cannot judge (reasons in notes). */
export type Verdict = 'keeps' | 'cut' | 'may-cut' | 'unknown';

export interface SessionCheck {
  verdict: Verdict;
  service: UploadService;
  /** The port the service listens on before the script (the router's `/ip service`, from the export). */
  port: number;
  addresses: AddressVerdict[];
  /** The service after the script: disabled, moved or restricted (with the command that does it). */
  serviceChange?: { what: string; certainty: 'will' | 'may'; by?: Place };
  /** Script commands whose effect on the router's configuration cannot be known (and why). */
  unknowns: Array<{ line: number; message: string }>;
  /** Notes for the reader: assumptions, why something is "unknown". */
  notes: string[];
  /** One sentence. */
  summary: string;
}

export interface SessionCheckInput {
  exportText: string;
  script: string;
  /** Client addresses of the upload's session as `/user active` shows them. */
  addresses: string[];
  service: UploadService;
  /** The port the upload connects to (used when the export does not say which port the service has). */
  profilePort: number;
}

const DROPS = new Set(['drop', 'reject', 'tarpit']);
/** Verbs on list entries the model does not replay (it knows `add`). */
const UNMODELLED_VERBS = new Set(['remove', 'set', 'disable', 'enable', 'unset', 'move']);
const WALKED = new Set(['raw', 'mangle', 'filter']);

function oneLine(text: string, max = 140): string {
  const t = text.replace(/\\\r?\n\s*/g, '').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function placeOf(c: Combined, offset: number, line: number, endOffset: number, menu: string): Place {
  const script = offset >= c.scriptOffset;
  return { where: script ? 'script' : 'router', line: script ? line - c.scriptLine : line, text: oneLine(c.text.slice(offset, endOffset)), menu };
}

function rulePlace(c: Combined, r: Rule): Place {
  const s = r.source.range;
  return placeOf(c, s.start.offset, s.start.line, s.end.offset, `/${r.family} firewall ${r.table}`);
}

function commandPlace(c: Combined, cmd: Command, menu: string): Place {
  return placeOf(c, cmd.range.start.offset, cmd.range.start.line, cmd.range.end.offset, menu);
}

/** `ether1` when a router address (`/ip address`) has the client's address in its subnet. */
function directInterface(tree: Script, addr: AddressRange): string | undefined {
  const found = new Set<string>();
  walkCommands(tree, (cmd, ctx) => {
    if (ctx.inEmbedded || cmd.verb?.text !== 'add') return;
    const menu = resolveMenu(cmd, ctx.menu).join(' ');
    if (menu !== (addr.v6 ? 'ipv6 address' : 'ip address')) return;
    const a = valueText(findArg(cmd, 'address')?.value as Value | undefined);
    const i = valueText(findArg(cmd, 'interface')?.value as Value | undefined);
    if (!a || !i || !a.includes('/') || valueText(findArg(cmd, 'disabled')?.value as Value | undefined) === 'yes') return;
    const net = parseAddress(a);
    if (net && net.v6 === addr.v6 && net.lo <= addr.lo && addr.hi <= net.hi) found.add(i);
  });
  return found.size === 1 ? [...found][0] : undefined;
}

function sessionMatch(address: string, port: number, state: 'new' | 'established', iface?: string): Match {
  return {
    protocol: { negated: false, value: 'tcp' },
    dstPort: { negated: false, value: [[port, port]] },
    srcAddress: { negated: false, value: address },
    // The session is addressed to one of the router's own addresses, never to loopback.
    dstAddress: { negated: true, value: address.includes(':') ? '::1/128' : '127.0.0.0/8' },
    connectionState: { negated: false, value: [state] },
    ...(iface ? { inInterface: { negated: false, value: iface } } : {}),
    other: {},
  };
}

/**
 * The two firewalls analysed in ONE joint space (semantics `jointSpaces`): the same coordinates, so the
 * session's packets accepted now can be intersected with what is dropped after the script exactly.
 * Address-list dimensions there mean membership besides the static entries each side's model has.
 */
interface Joint {
  space: Space;
  before: FamilyReach;
  after: FamilyReach;
  complete: boolean;
}

function jointOf(before: FirewallModel, after: FirewallModel, family: Family): Joint {
  const [sa, sb] = jointSpaces(before, after, family);
  const ra = analyze(before, family, { space: sa });
  const rb = analyze(after, family, { space: sb });
  return { space: sa, before: ra, after: rb, complete: ra.complete && rb.complete };
}

function blockedOf(r: FamilyReach): PacketSet {
  const h = r.hook('input');
  return h.drop.union(h.reject).union(h.tarpit);
}

function cutters(c: Combined, model: FirewallModel, family: Family, reach: FamilyReach, lost: PacketSet): { places: Place[]; uncertain: boolean } {
  const places: Place[] = [];
  let uncertain = false;
  for (const t of model.tables.values()) {
    if (t.family !== family || !WALKED.has(t.name)) continue;
    for (const r of t.rules) {
      if (r.disabled || !DROPS.has(r.action)) continue;
      if (!reach.decided(r).intersects(lost)) continue;
      places.push(rulePlace(c, r));
      if (r.source.conditional || r.source.uncertain?.length || !r.positionKnown) uncertain = true;
    }
  }
  return { places, uncertain };
}

/**
 * One part of the session (established packets, or a new login): `before` is what the router's firewall
 * does to these packets now; `after` is what happens to those it accepts now (the session exists, so its
 * real packets are among them, whatever interface they arrive on): none dropped, all certainly dropped,
 * or some.
 */
function part(
  c: Combined,
  after: FirewallModel,
  family: Family,
  j: Joint,
  address: string,
  port: number,
  state: 'new' | 'established',
  iface: string | undefined,
  /** Interface atoms (bit mask) the session may arrive on; undefined = any. */
  arrivals?: bigint,
): SessionPart & { now?: PacketSet } {
  const none: SessionPart = { before: 'unknown', after: 'unknown', cutBy: [], cutByUncertain: false };
  if (!j.complete) return none;
  let cubes = matchOf(j.space, sessionMatch(address, port, state, iface)).split(universe(j.space, 'input')).yes;
  if (arrivals !== undefined) cubes = cubes.filter((q) => (q.e[E_IN] & arrivals) !== 0n).map((q) => q.withE(E_IN, q.e[E_IN] & arrivals));
  const s = new PacketSet(j.space, cubes);
  if (s.isEmpty()) return none;
  const blockedBefore = blockedOf(j.before);
  const now = s.subtract(blockedBefore); // accepted now (input ends in accept, explicit or implicit)
  const before: PartState = now.isEmpty() ? 'dropped' : s.intersects(blockedBefore) ? 'partly' : 'accepted';
  if (now.isEmpty()) return { ...none, before };
  const blockedAfter = blockedOf(j.after);
  const lost = now.intersect(blockedAfter);
  if (lost.isEmpty()) return { before, after: 'accepted', cutBy: [], cutByUncertain: false, now };
  const cut = cutters(c, after, family, j.after, lost);
  const all = now.subtract(blockedAfter.certain()).isEmpty();
  return { before, after: all ? 'dropped' : 'partly', cutBy: cut.places, cutByUncertain: cut.uncertain, now };
}

function partVerdict(p: SessionPart): Verdict {
  if (p.after === 'unknown' || p.before === 'unknown' || p.before === 'dropped') return 'unknown';
  if (p.after === 'accepted') return 'keeps';
  if (p.after === 'dropped') return p.cutByUncertain ? 'may-cut' : 'cut';
  // some of the packets accepted now are dropped after: which ones the session's are depends on the
  // interface it arrives on, its run-time address-list membership or a condition such as `limit`.
  return 'may-cut';
}

const ORDER: Verdict[] = ['keeps', 'unknown', 'may-cut', 'cut'];
function worst(a: Verdict, b: Verdict): Verdict {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

function serviceChange(c: Combined, before: ServiceState | undefined, after: ServiceState | undefined, addresses: AddressRange[]): SessionCheck['serviceChange'] {
  if (!after) return undefined;
  const by = after.setBy && after.setBy.range.start.offset >= c.scriptOffset ? commandPlace(c, after.setBy, '/ip service') : undefined;
  if (!by) return undefined; // the script does not touch it: as it is now
  if (after.disabled === true) return { what: `disables the ${after.name} service (new logins are refused)`, certainty: 'will', by };
  if (after.disabled === 'unknown') return { what: `may disable the ${after.name} service`, certainty: 'may', by };
  if (after.port === 'unknown') return { what: `may move the ${after.name} service to another port`, certainty: 'may', by };
  if (before && before.port !== 'unknown' && after.port !== before.port) return { what: `moves the ${after.name} service from port ${before.port} to ${after.port} (new logins must use the new port)`, certainty: 'will', by };
  if (after.address === 'unknown') return { what: `may limit the ${after.name} service to other addresses`, certainty: 'may', by };
  if (after.address.length > 0) {
    const allowed = after.address.map(parseAddress);
    const left = addresses.filter((a) => !allowed.some((r) => r && r.v6 === a.v6 && r.lo <= a.lo && a.hi <= r.hi));
    if (left.length > 0) {
      const known = allowed.every((r) => r);
      return { what: `limits the ${after.name} service to ${after.address.join(',')}, which leaves out the session's address`, certainty: known ? 'will' : 'may', by };
    }
  }
  return undefined;
}

function placeText(p: Place, fileLabel = 'the script'): string {
  const cmd = p.text.startsWith('/') ? p.text : `${p.menu} ${p.text}`;
  return p.where === 'script' ? `line ${p.line + 1} of ${fileLabel} (${cmd})` : `the router's rule ${cmd} (line ${p.line + 1} of its export)`;
}

/** The session verdict for the preview. Never throws: a failure becomes verdict "unknown" with the reason. */
/** The router's configuration before and after the script: parsed and modelled once, shared by the checks. */
export interface PreviewModels {
  combined: Combined;
  beforeTree: ParseResult;
  before: FirewallModel;
  afterTree: ParseResult;
  after: FirewallModel;
}

export function previewModels(exportText: string, script: string): PreviewModels {
  const combined = combine(exportText, script);
  const beforeTree = parse(exportText);
  const afterTree = parse(combined.text);
  return { combined, beforeTree, before: buildModel(beforeTree, exportText), afterTree, after: buildModel(afterTree, combined.text) };
}

export function checkSession(input: SessionCheckInput, fileLabel = 'the script', models?: PreviewModels): SessionCheck {
  const { service } = input;
  try {
    return check(input, fileLabel, models ?? previewModels(input.exportText, input.script));
  } catch (e) {
    return {
      verdict: 'unknown',
      service,
      port: input.profilePort,
      addresses: [],
      unknowns: [],
      notes: [`The analysis failed (${e instanceof Error ? e.message : String(e)}); nothing is claimed.`],
      summary: 'Whether this upload keeps its access could not be determined.',
    };
  }
}

function check(input: SessionCheckInput, fileLabel: string, models: PreviewModels): SessionCheck {
  const { service } = input;
  const { combined: c, beforeTree, before, afterTree, after } = models;
  const notes: string[] = [];

  const svcBefore = servicesOf(beforeTree.script, input.exportText).get(service as ServiceName);
  const svcAfter = servicesOf(afterTree.script, c.text).get(service as ServiceName);
  let port = input.profilePort;
  if (svcBefore && svcBefore.port !== 'unknown') {
    port = svcBefore.port;
    if (port !== input.profilePort) notes.push(`The router's ${service} service listens on port ${port} (its /ip service), while the upload connects to port ${input.profilePort}: a port forward in front of it is assumed; the check uses port ${port}.`);
  }

  // What the script does to the router's configuration that the model cannot resolve.
  const unknowns: SessionCheck['unknowns'] = [];
  for (const u of after.unresolved) {
    if (u.range.start.offset < c.scriptOffset) continue;
    unknowns.push({ line: u.range.start.line - c.scriptLine, message: u.message });
  }
  walkCommands(afterTree.script, (cmd, ctx) => {
    if (ctx.inEmbedded || cmd.range.start.offset < c.scriptOffset || !cmd.verb) return;
    const menu = resolveMenu(cmd, ctx.menu).join(' ');
    const verb = cmd.verb.text;
    if (!UNMODELLED_VERBS.has(verb)) return;
    if (menu === 'ip firewall address-list' || menu === 'ipv6 firewall address-list' || menu === 'interface list member' || menu === 'interface list') {
      unknowns.push({ line: cmd.range.start.line - c.scriptLine, message: `${verb} in /${menu} changes the router's entries in a way the firewall model does not replay (address-list and interface-list membership after the script may differ)` });
    }
  });
  const parseErrors = afterTree.errors.filter((e) => e.range.start.offset >= c.scriptOffset);
  if (parseErrors.length) unknowns.push({ line: parseErrors[0].range.start.line - c.scriptLine, message: `syntax error: ${parseErrors[0].message}` });
  if (beforeTree.errors.length) notes.push(`The router's export did not parse completely (line ${beforeTree.errors[0].range.start.line + 1}: ${beforeTree.errors[0].message}); rules after that point may be missing.`);

  const ranges: AddressRange[] = [];
  const addresses: AddressVerdict[] = [];
  let verdict: Verdict = 'keeps';
  if (input.addresses.length === 0) {
    notes.push('The router did not list this upload\'s session in /user active, so its client address is not known.');
    verdict = 'unknown';
  }
  for (const address of input.addresses) {
    const addr = parseAddress(address);
    if (!addr || addr.lo !== addr.hi) {
      notes.push(`"${address}" is not a single address; skipped.`);
      verdict = worst(verdict, 'unknown');
      continue;
    }
    ranges.push(addr);
    const family: Family = addr.v6 ? 'ipv6' : 'ip';
    const iface = directInterface(beforeTree.script, addr);
    const joint = jointOf(before, after, family);
    const { now: freshNow, ...fresh } = part(c, after, family, joint, address, port, 'new', iface);
    // The session was opened as a new connection the router accepted (seconds ago, by the firewall it
    // has now): it arrives on an interface where a new login is accepted now.
    const arrivals = freshNow ? freshNow.cubes.reduce((m, q) => m | q.e[E_IN], 0n) : undefined;
    const { now: _e, ...established } = part(c, after, family, joint, address, port, 'established', iface, arrivals);
    void _e;
    let v = worst(partVerdict(established), partVerdict(fresh));
    if (!joint.complete) {
      notes.push('The firewall is too fragmented for the analysis budget; nothing is proven about it.');
      v = 'unknown';
    } else if (established.before === 'dropped' || fresh.before === 'dropped') {
      notes.push(`Read from its export, the router's current firewall would not accept this session from ${address} (it exists, so the export does not show everything that decides, e.g. dynamic rules or address-list entries): the verdict cannot be judged.`);
    } else if (!iface && (established.after === 'partly' || fresh.after === 'partly')) {
      notes.push(`No router address shares a subnet with ${address}, so the interface the session arrives on is not known; on some of the interfaces it is accepted through now, it is dropped after the script.`);
    }
    addresses.push({ address, family, inInterface: iface, established, fresh, verdict: v });
    verdict = worst(verdict, v);
  }

  const svc = serviceChange(c, svcBefore, svcAfter, ranges);
  if (svc) verdict = worst(verdict, svc.certainty === 'will' ? 'cut' : 'may-cut');
  const firewallUnknowns = unknowns.filter((u) => /firewall|place-before|remove|set|move|disable|enable|position|selector|syntax/.test(u.message));
  if (verdict === 'keeps' && firewallUnknowns.length > 0) {
    verdict = 'may-cut';
    notes.push('The script changes the router\'s configuration in ways the model cannot resolve (listed below), so the session may still be affected.');
  }

  return { verdict, service, port, addresses, serviceChange: svc, unknowns, notes, summary: summarize(verdict, service, port, addresses, svc, fileLabel) };
}

function summarize(verdict: Verdict, service: UploadService, port: number, addresses: AddressVerdict[], svc: SessionCheck['serviceChange'], fileLabel: string): string {
  const who = addresses.length ? addresses.map((a) => a.address).join(', ') : 'an unknown address';
  const what = `this upload's ${service} session from ${who} to port ${port}`;
  if (verdict === 'keeps') return `The script keeps ${what}: the established session and new logins are still accepted.`;
  if (verdict === 'unknown') return `Whether the script keeps ${what} cannot be determined (see the notes).`;
  const may = verdict === 'may-cut' ? 'may cut off' : 'cuts off';
  const reasons: string[] = [];
  for (const a of addresses) {
    const first = a.established.cutBy[0] ?? a.fresh.cutBy[0];
    if (first && !reasons.length) {
      const which = a.established.after !== 'accepted' && a.fresh.after !== 'accepted' ? 'the session and new logins' : a.established.after !== 'accepted' ? 'the established session' : 'new logins';
      reasons.push(`${placeText(first, fileLabel)} drops ${which}`);
    }
  }
  if (svc) reasons.push(`${svc.by ? `line ${svc.by.line + 1} ` : ''}${svc.what}`);
  return `The script ${may} ${what}${reasons.length ? `: ${reasons.join('; ')}` : ''}.`;
}

export { placeText };
