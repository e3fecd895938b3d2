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

import type { Command, Value } from '../parser/ast';
import { parse } from '../parser/index';
import { findArg, resolveMenu, valueText, walkCommands } from '../parser/walk';
import { buildModel } from '../model/build';
import { parseAddress, type AddressRange } from '../model/values';
import { servicesOf, type ServiceName, type ServiceState } from '../model/services';
import type { Family, FirewallModel, Match, Rule } from '../model/types';
import { reachOf, setOf, type PacketSet } from '../semantics/index';

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
const WALKED = new Set(['raw', 'mangle', 'filter']);
/** Built-in chains an input packet never passes. */
const NOT_INPUT = new Set(['forward', 'output', 'postrouting']);

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
function directInterface(text: string, addr: AddressRange): string | undefined {
  const found = new Set<string>();
  const tree = parse(text).script;
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

/** Address lists a static entry of the model puts `addr` in (known members; others stay open). */
function staticLists(model: FirewallModel, family: Family, addr: AddressRange): string[] {
  const out: string[] = [];
  for (const l of model.addressLists.values()) {
    if (l.family !== family) continue;
    const hit = l.entries.some((e) => {
      if (!e.address || e.timeout !== undefined || e.disabled) return false;
      const r = parseAddress(e.address);
      return !!r && r.v6 === addr.v6 && r.lo <= addr.lo && addr.hi <= r.hi;
    });
    if (hit) out.push(l.name);
  }
  return out;
}

interface Judged {
  state: PartState;
  set?: PacketSet;
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

function judge(model: FirewallModel, family: Family, address: string, port: number, state: 'new' | 'established', iface: string | undefined, addr: AddressRange): Judged {
  const reach = reachOf(model, family);
  if (!reach.complete) return { state: 'unknown' };
  let s = setOf(model, family, sessionMatch(address, port, state, iface), ['input']);
  for (const list of staticLists(model, family, addr)) s = s.intersect(setOf(model, family, { srcAddressList: { negated: false, value: list }, other: {} }, ['input']));
  if (s.isEmpty()) return { state: 'unknown' };
  const h = reach.hook('input');
  const blocked = h.drop.union(h.reject).union(h.tarpit);
  const hit = s.intersect(blocked);
  if (hit.isEmpty()) return { state: 'accepted', set: s };
  if (s.subtract(blocked.certain()).isEmpty()) return { state: 'dropped', set: s };
  return { state: 'partly', set: s };
}

function cutters(c: Combined, model: FirewallModel, family: Family, s: PacketSet | undefined): { places: Place[]; uncertain: boolean } {
  if (!s) return { places: [], uncertain: false };
  const reach = reachOf(model, family);
  const places: Place[] = [];
  let uncertain = false;
  for (const t of model.tables.values()) {
    if (t.family !== family || !WALKED.has(t.name)) continue;
    for (const r of t.rules) {
      if (r.disabled || !DROPS.has(r.action)) continue;
      if (!reach.decided(r).intersects(s)) continue;
      places.push(rulePlace(c, r));
      if (r.source.conditional || r.source.uncertain?.length || !r.positionKnown) uncertain = true;
    }
  }
  return { places, uncertain };
}

function part(c: Combined, before: FirewallModel, after: FirewallModel, family: Family, address: string, addr: AddressRange, portBefore: number, state: 'new' | 'established', iface: string | undefined): SessionPart {
  const b = judge(before, family, address, portBefore, state, iface, addr);
  const a = judge(after, family, address, portBefore, state, iface, addr);
  const cut = a.state === 'dropped' || a.state === 'partly' ? cutters(c, after, family, a.set) : { places: [], uncertain: false };
  return { before: b.state, after: a.state, cutBy: cut.places, cutByUncertain: cut.uncertain };
}

/**
 * What decides the session's packets on input, as text: the walked tables' rules in order, the interface
 * lists, and the static address lists holding the address. Equal before and after: the script does not
 * change the session's fate, whatever interface it arrives on.
 */
function inputFingerprint(model: FirewallModel, family: Family, addr: AddressRange): string {
  const parts: string[] = [];
  for (const t of model.tables.values()) {
    if (t.family !== family || !WALKED.has(t.name)) continue;
    parts.push(`#${t.name}`);
    for (const r of t.rules) if (!NOT_INPUT.has(r.chain)) parts.push(JSON.stringify([r.chain, r.action, r.disabled, r.positionKnown, r.source.conditional, Object.entries(r.props).filter(([k]) => k !== 'comment').sort()]));
  }
  for (const l of [...model.interfaceLists.values()].sort((a, b) => a.name.localeCompare(b.name))) parts.push(JSON.stringify(['if', l.name, [...l.members].sort(), l.include, l.exclude, !!l.unknownMembers]));
  parts.push(JSON.stringify(['lists', staticLists(model, family, addr).sort()]));
  return parts.join('\n');
}

function partVerdict(p: SessionPart): Verdict {
  if (p.after === 'unknown' || p.before === 'unknown' || p.before === 'dropped') return 'unknown';
  if (p.after === 'accepted') return 'keeps';
  if (p.after === 'dropped') return p.cutByUncertain ? 'may-cut' : p.before === 'accepted' ? 'cut' : 'may-cut';
  // partly dropped after: if the same was partly dropped before and nothing new drops it, the
  // difference is only what the interface/lists decide, which did not change... but that cannot be
  // proven across two models, so it stays "may".
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
export function checkSession(input: SessionCheckInput, fileLabel = 'the script'): SessionCheck {
  const { service } = input;
  try {
    return check(input, fileLabel);
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

function check(input: SessionCheckInput, fileLabel: string): SessionCheck {
  const { service } = input;
  const c = combine(input.exportText, input.script);
  const beforeTree = parse(input.exportText);
  const before = buildModel(beforeTree, input.exportText);
  const afterTree = parse(c.text);
  const after = buildModel(afterTree, c.text);
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
    const iface = directInterface(input.exportText, addr);
    const established = part(c, before, after, family, address, addr, port, 'established', iface);
    const fresh = part(c, before, after, family, address, addr, port, 'new', iface);
    let v = worst(partVerdict(established), partVerdict(fresh));
    const unchanged = inputFingerprint(before, family, addr) === inputFingerprint(after, family, addr);
    if (unchanged && v !== 'keeps' && established.before !== 'dropped' && fresh.before !== 'dropped' && reachOf(after, family).complete) {
      // The session exists, so the router accepts it now; nothing that decides its packets changes.
      v = 'keeps';
      established.after = established.before;
      fresh.after = fresh.before;
      established.cutBy = [];
      fresh.cutBy = [];
      notes.push(`The script changes nothing that decides ${address}'s packets on input (rules, interface lists, its address lists), so the session is accepted as it is now.`);
    } else if (!reachOf(after, family).complete || !reachOf(before, family).complete) {
      notes.push('The firewall is too fragmented for the analysis budget; nothing is proven about it.');
      v = 'unknown';
    } else if (established.before === 'dropped' || fresh.before === 'dropped') {
      notes.push(`Read from its export, the router's current firewall would not accept this session from ${address} either (it exists, so the export does not show everything that decides, e.g. dynamic rules or lists): the verdict cannot be judged.`);
    } else if (!iface && (established.after === 'partly' || fresh.after === 'partly')) {
      notes.push(`No router address shares a subnet with ${address}, so the interface the session arrives on is not known; some interfaces' packets are dropped after the script.`);
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
