// knock-exposed-service: an accept rule that a new connection from the WAN meets before the final WAN
// drop admits a management service (21, 22, 23, 80, 443, 8291, 8728, 8729, or every port) without
// requiring the knock's final list. "The knock protects nothing" only when the knock's own accepts open
// one of those services (else the message says the service is open without the knock guarding it).
// Reported on the accept rule.
// The conditions of the jumps on the way to the accept count as its own (an accept in a chain reached
// only by `jump src-address-list=secured` is protected by the knock).
// Suggestion: require the knock's final list on that accept.

import type { FirewallModel, KnockSequence, Match, Rule } from '../model/types';
import { covers, mayOverlap, pathTo, rulesBefore } from '../model/reason';
import type { Check } from './types';
import { setPropertyEdit } from './util/edit';
import { fixes, fixOf, relatedRule, ruleFinding, type RawFinding } from './util/finding';
import { DROP_ACTIONS, isUnknown, known, portIn, stageRules } from './util/rules';
import { GOOD_KNOCK } from './util/examples';

export const MANAGEMENT_PORTS: Readonly<Record<number, string>> = {
  21: 'ftp', 22: 'ssh', 23: 'telnet', 80: 'www', 443: 'www-ssl', 8291: 'winbox', 8728: 'api', 8729: 'api-ssl',
};

const BUILTIN = new Set(['input', 'forward', 'output', 'prerouting', 'postrouting']);

export const knockExposedService: Check = {
  id: 'knock-exposed-service',
  defaultSeverity: 'warning',
  description:
    "An accept rule above the final WAN drop admits new connections to a management service without requiring the knock's final list.",
  examples: {
    bad: GOOD_KNOCK.replace(
      'add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"\n',
      'add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"\n' +
        'add chain=input action=accept dst-port=22,8291 in-interface-list=WAN protocol=tcp comment="ssh and winbox"\n',
    ),
    good: GOOD_KNOCK.replace(
      'add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"\n',
      'add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"\n' +
        'add chain=input action=accept dst-port=51820 in-interface-list=WAN protocol=udp comment="wireguard"\n',
    ),
  },
  run(ctx) {
    const out: RawFinding[] = [];
    const seen = new Set<Rule>();
    const stages = stageRules(ctx.knocks);
    for (const seq of ctx.knocks) {
      const last = seq.stages[seq.stages.length - 1];
      if (!last || last.rule.disabled) continue;
      const found = wanDrop(ctx.model, seq, last.rule);
      if (!found) continue;
      const { drop, wan } = found;
      for (const a of rulesBefore(drop, ctx.model)) {
        if (a.action !== 'accept' || a.disabled || !a.positionKnown || stages.has(a) || seen.has(a)) continue;
        const ports = exposedPorts(a, wan, ctx.model);
        if (!ports) continue;
        seen.add(a);
        const edit = setPropertyEdit(a, 'src-address-list', seq.finalList, ctx.model);
        // "protects nothing" only when the knock's accepts open one of these services to the knocker
        const guarded = guardedServices(seq).filter((n) => ports.numbers.includes(n));
        const claim =
          guarded.length > 0
            ? `: the knock protects nothing (it guards ${guarded.map((n) => `${MANAGEMENT_PORTS[n]} (${n})`).join(', ')}, open here to everyone)`
            : `, which knocking does not guard`;
        out.push(
          ruleFinding(
            this.id,
            a,
            `this accept admits new connections from the WAN to ${ports.text} without requiring the knock's final list ` +
              `"${seq.finalList}"${claim}`,
            {
              related: [relatedRule(drop, 'the WAN drop this accept bypasses')],
              ...fixes(fixOf(`Require src-address-list=${seq.finalList}`, false, edit ? [edit] : undefined)),
            },
          ),
        );
      }
    }
    return out;
  },
};

function interfaceMatch(m: Match): Match {
  const out: Match = { other: {} };
  if (m.inInterface) out.inInterface = m.inInterface;
  if (m.inInterfaceList) out.inInterfaceList = m.inInterfaceList;
  return out;
}

function hasInterface(m: Match): boolean {
  return m.inInterface !== undefined || m.inInterfaceList !== undefined;
}

/**
 * The chains a packet passes on its way into `chain` (following jumps backwards): the builtin chain
 * first, then the custom chains towards `chain`, which comes last. Empty when no builtin chain leads there.
 */
function chainsTo(model: FirewallModel, seq: KnockSequence, chain: string, seen = new Set<string>()): string[] {
  if (BUILTIN.has(chain)) return [chain];
  if (seen.has(chain)) return [];
  seen.add(chain);
  const table = model.tables.get(`${seq.family} ${seq.table}`);
  const jump = table?.rules.find((r) => r.action === 'jump' && r.jumpTarget === chain && !r.disabled);
  if (!jump) return [];
  const outer = chainsTo(model, seq, jump.chain, seen);
  return outer.length > 0 ? [...outer, chain] : [];
}

/**
 * The final WAN drop: the first enabled drop/reject/tarpit that matches every new packet arriving the
 * way the knock does (its interface), and the "new packet from the WAN" it covers. Looked for in the
 * builtin chain first, then in the custom chains on the way to the stages (a `from-wan` chain that
 * ends in a plain drop).
 */
function wanDrop(model: FirewallModel, seq: KnockSequence, stage: Rule): { drop: Rule; wan: Rule } | undefined {
  const chains = chainsTo(model, seq, stage.chain);
  const table = model.tables.get(`${seq.family} ${seq.table}`);
  if (chains.length === 0 || !table) return undefined;
  const packet = (m: Match, ch: string): Rule => ({
    ...stage,
    chain: ch,
    action: 'accept',
    disabled: false,
    match: { ...m, connectionState: { negated: false, value: ['new'] } },
  });
  // The knock's interface: the stage's own, or that of a jump on the way to it (`jump
  // in-interface-list=WAN jump-target=from-wan`).
  const via = hasInterface(stage.match)
    ? stage.match
    : pathTo(stage, model).flatMap((p) => p.jumps).find((j) => hasInterface(j.match))?.match;
  const knockIface = via ? interfaceMatch(via) : interfaceMatch(stage.match);
  for (const chain of chains) {
    const probe = packet(knockIface, chain);
    for (const r of table.rules) {
      if (r.chain !== chain || r.disabled || !r.positionKnown || !DROP_ACTIONS.has(r.action)) continue;
      if (!covers(r, probe, model)) continue;
      const wan = hasInterface(knockIface) ? probe : packet(interfaceMatch(r.match), chain);
      return { drop: r, wan };
    }
  }
  return undefined;
}

/**
 * The management services the accept admits from the WAN, as text, or undefined. The conditions of
 * the jumps a packet takes to reach the accept are part of its requirements (`jump
 * src-address-list=secured` into a chain of service accepts is the knock doing its job): the accept
 * is judged on each path to it, and reported when some path exposes a service.
 */
function exposedPorts(a: Rule, wan: Rule, model: FirewallModel): Exposed | undefined {
  // exposedBy judges the accept's own conditions first: an accept that admits no stranger needs no
  // paths (pathTo walks every rule above it: for every accept of every knock, that was cubic)
  if (!admitsAnyone(a.match, wan)) return undefined;
  const paths = pathTo(a, model);
  if (paths.length === 0) return exposedBy([a.match], wan, model);
  for (const p of paths) {
    const r = exposedBy([a.match, ...p.jumps.map((j) => j.match)], wan, model);
    if (r) return r;
  }
  return undefined;
}

interface Exposed {
  /** "ssh (22), winbox (8291)" or "every port". */
  text: string;
  /** The management ports exposed. */
  numbers: number[];
}

/**
 * The management ports the knock's enabled accepts open to a client on the final list (all of them
 * for an accept without a port or protocol limit); empty when no accept proves it (a jump or dst-nat
 * grants access, a port computed at run time).
 */
function guardedServices(seq: KnockSequence): number[] {
  const all = Object.keys(MANAGEMENT_PORTS).map(Number);
  const out = new Set<number>();
  for (const a of seq.accepts) {
    if (a.disabled) continue;
    const m = a.match;
    const proto = known(m.protocol);
    if (m.protocol && (!proto || proto.negated || (proto.value !== 'tcp' && proto.value !== '6'))) continue;
    const ports = m.dstPort ?? m.anyPort;
    if (!ports) {
      for (const n of all) out.add(n);
      continue;
    }
    const p = known(ports);
    if (!p) continue;
    for (const n of all) if (portIn(p.value, n) !== p.negated) out.add(n);
  }
  return [...out];
}

/** What a packet meeting every one of `ms` (the accept and the jumps to it) exposes, or undefined. */
function exposedBy(ms: Match[], wan: Rule, model: FirewallModel): Exposed | undefined {
  for (const m of ms) if (!admitsAnyone(m, wan)) return undefined;
  let exposed = Object.keys(MANAGEMENT_PORTS).map(Number);
  let anyPortSet = false;
  for (const m of ms) {
    const ports = m.dstPort ?? m.anyPort;
    if (!ports) {
      if (m.srcPort) return undefined;
      continue;
    }
    const p = known(ports);
    if (!p) return undefined;
    anyPortSet = true;
    exposed = exposed.filter((n) => portIn(p.value, n) !== p.negated);
  }
  if (exposed.length === 0) return undefined;
  // Only the interface side is compared: ports and states were judged above.
  for (const m of ms) {
    const iface: Rule = { ...wan, disabled: false, match: { ...interfaceMatch(m), other: {} } };
    if (!mayOverlap(iface, { ...wan, match: interfaceMatch(wan.match) }, model)) return undefined;
  }
  if (!anyPortSet && !ms.some((m) => m.protocol)) return { text: 'every port', numbers: exposed };
  return { text: exposed.map((n) => `${MANAGEMENT_PORTS[n]} (${n})`).join(', '), numbers: exposed };
}

/**
 * False when condition set `m` limits the packets to known sources (a positive address list or
 * address), to loopback, to states other than new, to a protocol other than TCP, or to an interface
 * when the knock says nothing about the WAN.
 */
function admitsAnyone(m: Match, wan: Rule): boolean {
  if (isUnknown(m.srcAddressList?.value) || isUnknown(m.srcAddress?.value)) return false;
  const sl = known(m.srcAddressList);
  if (sl && !sl.negated) return false;
  const sa = known(m.srcAddress);
  if (sa && !sa.negated) return false;
  // Loopback destinations (`dst-address=127.0.0.1`, CAPsMAN's defconf rule) never come from the WAN.
  const da = known(m.dstAddress);
  if (da && !da.negated && (/^127\./.test(da.value) || da.value === '::1' || da.value === '::1/128')) return false;
  const cs = known(m.connectionState);
  if (m.connectionState && !cs) return false;
  if (cs && (cs.negated ? cs.value.includes('new') : !cs.value.includes('new'))) return false;
  const proto = known(m.protocol);
  if (m.protocol && !proto) return false;
  if (proto && (proto.negated ? proto.value === 'tcp' || proto.value === '6' : proto.value !== 'tcp' && proto.value !== '6')) {
    return false;
  }
  if (!hasInterface(wan.match) && hasInterface(m) && !known(m.inInterface)?.negated && !known(m.inInterfaceList)?.negated) {
    return false;
  }
  return true;
}
