// Recognizes port-knock sequences and blacklists in a firewall model.
//
// A knock sequence is a chain of filter rules with action=add-src-to-address-list, each stage after
// the first requiring `src-address-list=<previous stage's list>`, ending in a list some rule grants
// access to (an accept with `src-address-list=<final>`, a drop with `src-address-list=!<final>`, a jump or
// a dst-nat on `<final>`). A list used by a drop/reject/tarpit is a blacklist, never a knock stage.
//
// Recognition (all IPv4 and IPv6, any filter chain but output, mangle and raw chains before the filter, TCP or UDP, any number of stages):
// 1. From each list that grants access, walk back through the rules filling it and the lists they
//    require. Rules re-adding a list they require (`src-address-list=x address-list=x`, timeout refresh)
//    are refreshers, not stages. Lists feeding a blacklist are detector stages, not knock stages.
// 2. Sequences whose final list nothing uses are kept when the naming says knock (KNOCK_WORD in a list
//    name, comment or log prefix; or stage-like names (KNOCKISH) when a script reads the final list) and
//    the final list is not named like a blacklist: they report "grants nothing".
// 3. Broken chaining: a stage without `src-address-list=` ends the backward walk, so earlier stages are
//    left as "orphans" (fill rules, with a port/size/ICMP trigger, whose list nothing uses). An orphan
//    chain is attached before the head of a sequence in the same family and chain when its list name
//    has the same stem as a stage list (`knock1` ~ `knock2`: the name without its trailing number) or
//    when it sits right next to a stage in the chain's rule order and is named like a knock. Attached
//    stages are ordered by their list's trailing number when they have one, else by rule order.
//    Whatever the names, an orphan chain also attaches by position when it looks like knock stages
//    (one port, not a service port like 22 or 3389, or a packet size per rule; timeout <= 1h or none;
//    no blacklist-like name), its last list
//    is used by no rule of any table and no script, and its last rule sits directly above (only
//    transparent rules between: log, passthrough, disabled, refreshers, blacklist fillers) a stage of a
//    sequence that grants access: above the head when the head's requirement is open (it becomes the
//    previous stage: `k6a` above `k6b -> sec6`; `port1 -> port2` above a lone `allowed` stage), or
//    squeezed between two stages. A sequence written bottom-up takes it directly below its head. So an
//    unchained stage is found in any position, while a lone logger (port list, long timeout, "scan"
//    name, or a list nothing grants access with) never becomes a knock.
// 4. A single stage is a knock only when something names it one (KNOCKISH in a list name or comment)
//    or orphans attach to it: a lone "add-src-to-address-list on port X" + accept is too common otherwise.
// 5. A sequence whose rules are all part of a longer sequence is dropped.

import type { BrokenLink, Blacklist, Family, FirewallModel, KnockSequence, KnockStage, Rule } from './types';
import { sourceOf } from './build';

const KNOCKISH = /knock|knk|klop|toc[-_ ]?toc|port[-_ ]?k|(^|[-_])pk[-_]|psk|stage|phase|fase|etapa|step/i;
/** Strong knock words (without the "stage" family that brute-force detectors use too). */
const KNOCK_WORD = /knock|knk|klop|toc[-_ ]?toc|port[-_ ]?k|(^|[-_])pk[-_]|psk/i;
const BLACKLISTISH = /black|(^|[-_])bl[-_]|ban|block|attack|brute|scan|spam|deny|bad|abuse|intru|detect|flood|drop/i;

const TERMINAL_DROP = new Set(['drop', 'reject', 'tarpit']);

/**
 * Where a knock stage can live: any filter chain but output, and the mangle/raw chains a packet from
 * outside passes before the filter (mangle prerouting/input/forward, raw prerouting) or custom chains
 * of those tables.
 */
function stageTable(r: Rule): boolean {
  if (r.table === 'filter') return r.chain !== 'output';
  if (r.table === 'mangle' || r.table === 'raw') return r.chain !== 'output' && r.chain !== 'postrouting';
  return false;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function requiredList(r: Rule): string | undefined {
  const n = r.match.srcAddressList;
  return n && !n.negated ? str(n.value) : undefined;
}

function trigger(r: Rule): KnockStage['trigger'] {
  const m = r.match;
  if (m.dstPort || m.anyPort) return 'port';
  if (m.packetSize) return 'size';
  const p = m.protocol && !m.protocol.negated ? str(m.protocol.value) : undefined;
  if (p === 'icmp' || p === 'icmpv6' || m.icmpOptions) return 'icmp';
  return 'none';
}

function stemOf(name: string): string | undefined {
  const m = /^(.*?)[-_ .]*(\d+)$/.exec(name);
  if (!m || m[1] === '') return undefined;
  return m[1].toLowerCase();
}

function numberOf(name: string): number | undefined {
  const m = /(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

interface Usage {
  accepts: Rule[];
  disabledAccepts: Rule[];
  grants: Rule[];
  drops: Rule[];
  /** Fill rules requiring this list (refreshers excluded). */
  requiredBy: Rule[];
  fillers: Rule[];
  refreshers: Rule[];
  staticEntries: number;
}

class Analysis {
  readonly usage = new Map<string, Usage>();
  readonly order = new Map<Rule, number>();
  readonly chainOrder = new Map<Rule, { chain: Rule[]; index: number }>();
  readonly blacklistFeeders = new Set<Rule>();

  constructor(
    readonly model: FirewallModel,
    readonly family: Family,
  ) {
    const key = (l: string) => l;
    const use = (l: string): Usage => {
      let u = this.usage.get(key(l));
      if (!u) {
        u = { accepts: [], disabledAccepts: [], grants: [], drops: [], requiredBy: [], fillers: [], refreshers: [], staticEntries: 0 };
        this.usage.set(key(l), u);
      }
      return u;
    };
    for (const l of model.addressLists.values()) {
      if (l.family === family) use(l.name).staticEntries += l.entries.length;
    }
    for (const t of model.tables.values()) {
      if (t.family !== family) continue;
      const chains = new Map<string, Rule[]>();
      t.rules.forEach((r, i) => {
        this.order.set(r, i);
        let c = chains.get(r.chain);
        if (!c) chains.set(r.chain, (c = []));
        this.chainOrder.set(r, { chain: c, index: c.length });
        c.push(r);
      });
      for (const r of t.rules) {
        const src = r.match.srcAddressList;
        const listName = src ? str(src.value) : undefined;
        if (listName && src) {
          const u = use(listName);
          if (!src.negated) {
            if (TERMINAL_DROP.has(r.action)) {
              if (!r.disabled || t.name === 'filter' || t.name === 'raw') u.drops.push(r);
            } else if (t.name === 'filter' && r.action === 'accept') (r.disabled ? u.disabledAccepts : u.accepts).push(r);
            else if (t.name === 'filter' && r.action === 'jump') u.grants.push(r);
            else if (t.name === 'nat' && ['dst-nat', 'netmap', 'redirect', 'accept'].includes(r.action)) u.grants.push(r);
          } else if (t.name === 'filter' && TERMINAL_DROP.has(r.action)) {
            u.grants.push(r);
          }
        }
        if (r.action === 'add-src-to-address-list' && r.addressList) {
          const req = requiredList(r);
          if (req === r.addressList) use(r.addressList).refreshers.push(r);
          else {
            use(r.addressList).fillers.push(r);
            if (req) use(req).requiredBy.push(r);
          }
        }
      }
    }
    // detector stages: rules filling lists that (transitively) feed a dropped list
    const stack: string[] = [];
    for (const [name, u] of this.usage) if (u.drops.length > 0) stack.push(name);
    const seen = new Set(stack);
    while (stack.length) {
      const l = stack.pop()!;
      for (const f of this.usage.get(l)?.fillers ?? []) {
        this.blacklistFeeders.add(f);
        const req = requiredList(f);
        if (req && !seen.has(req)) {
          seen.add(req);
          stack.push(req);
        }
      }
    }
  }

  u(list: string): Usage | undefined {
    return this.usage.get(list);
  }

  isStageRule(r: Rule): boolean {
    return (
      r.family === this.family &&
      stageTable(r) &&
      r.action === 'add-src-to-address-list' &&
      !!r.addressList &&
      !(r.dynamicProps ?? []).includes('address-list')
    );
  }

  /** The rule filling `list` that a stage before `next` most likely is (same chain, earliest). */
  pickFiller(list: string, next: Rule, exclude: Set<Rule>): Rule | undefined {
    const cands = (this.u(list)?.fillers ?? []).filter((r) => this.isStageRule(r) && !exclude.has(r));
    if (cands.length === 0) return undefined;
    const score = (r: Rule) => (r.chain === next.chain ? 0 : 2) + (trigger(r) === 'none' ? 1 : 0);
    return [...cands].sort((a, b) => score(a) - score(b) || (this.order.get(a)! - this.order.get(b)!))[0];
  }

  /** Walks back from a final filler through required lists. Returns rules, first stage first. */
  walkBack(final: Rule): Rule[] {
    const rules = [final];
    const inSeq = new Set(rules);
    let cur = final;
    for (;;) {
      const req = requiredList(cur);
      if (!req || req === cur.addressList) break;
      const prev = this.pickFiller(req, cur, inSeq);
      if (!prev) break;
      rules.unshift(prev);
      inSeq.add(prev);
      cur = prev;
    }
    return rules;
  }

  /** A list nothing uses (no accept, grant, drop, requiring stage). */
  unused(list: string): boolean {
    const u = this.u(list);
    if (!u) return true;
    return u.accepts.length + u.disabledAccepts.length + u.grants.length + u.drops.length + u.requiredBy.length === 0;
  }

  adjacent(a: Rule, b: Rule): boolean {
    const x = this.chainOrder.get(a);
    const y = this.chainOrder.get(b);
    return !!x && !!y && x.chain === y.chain && Math.abs(x.index - y.index) === 1;
  }

  /**
   * A rule between two knock stages that does not separate them: logging, passthrough, add-dst, a
   * disabled rule, a refresher, or a rule filling a blacklist (the guide's blacklist rules sit among
   * the knock rules).
   */
  transparent(r: Rule): boolean {
    if (r.disabled) return true;
    if (r.action === 'log' || r.action === 'passthrough' || r.action === 'add-dst-to-address-list') return true;
    if (r.action === 'add-src-to-address-list' && r.addressList) {
      if (requiredList(r) === r.addressList) return true;
      if (this.blacklistFeeders.has(r)) return true;
    }
    return false;
  }

  /** `a` comes before `b` in the same chain. */
  above(a: Rule, b: Rule): boolean {
    const x = this.chainOrder.get(a);
    const y = this.chainOrder.get(b);
    return !!x && !!y && x.chain === y.chain && x.index < y.index;
  }

  /** `a` comes before `b` in the same chain with only transparent rules between. */
  directlyAbove(a: Rule, b: Rule): boolean {
    const x = this.chainOrder.get(a);
    const y = this.chainOrder.get(b);
    if (!x || !y || x.chain !== y.chain || x.index >= y.index) return false;
    for (let i = x.index + 1; i < y.index; i++) if (!this.transparent(x.chain[i])) return false;
    return true;
  }

  /** A list some rule fills or some static entry provides. */
  filled(list: string): boolean {
    const u = this.u(list);
    return !!u && (u.fillers.length > 0 || u.staticEntries > 0);
  }

  /**
   * A rule that looks like a knock stage whatever its name: one port (or a packet size) per hit, a
   * short timeout (or none), a list not named like a blacklist. Scan and brute-force loggers use port
   * lists, long timeouts and telling names.
   */
  stageLike(r: Rule): boolean {
    const t = trigger(r);
    if (t === 'size') {
      // fine: a packet size is a knock trigger
    } else if (t === 'port') {
      const p = r.match.dstPort ?? r.match.anyPort;
      if (!p || p.negated) return false;
      const v = p.value;
      if (Array.isArray(v) && !(v.length === 1 && v[0][0] === v[0][1])) return false;
      if (Array.isArray(v) && SERVICE_PORTS.has(v[0][0])) return false;
    } else return false;
    if (BLACKLISTISH.test(r.addressList ?? '') || (r.comment && BLACKLISTISH.test(r.comment))) return false;
    const to = r.addressListTimeout;
    if (typeof to === 'number' && to > STAGE_TIMEOUT_MAX) return false;
    return true;
  }

  /** No rule of any table matches on the list (refreshers aside) and no script reads it. */
  fullyUnused(list: string, rules: Rule[]): boolean {
    const l = this.model.addressLists.get(`${this.family} ${list}`);
    if (l && l.usedBy.some((r) => !(r.action === 'add-src-to-address-list' && r.addressList === list))) return false;
    return !finalUsedOutside(this.model, list, rules);
  }
}

/** Service ports whose hits loggers and brute-force detectors record: not a stage without knock naming. */
const SERVICE_PORTS = new Set([20, 21, 22, 23, 25, 53, 80, 110, 135, 139, 143, 443, 445, 993, 995, 1433, 1723, 3306, 3389, 5900, 8080, 8291, 8728, 8729]);

/** Longest timeout of a stage attached without knock naming (a logger keeps entries for hours or days). */
const STAGE_TIMEOUT_MAX = 3600;

function namesOf(rules: Rule[]): string[] {
  const out: string[] = [];
  for (const r of rules) {
    if (r.addressList) out.push(r.addressList);
    const req = requiredList(r);
    if (req) out.push(req);
    if (r.comment) out.push(r.comment);
    if (r.logPrefix) out.push(r.logPrefix);
  }
  return out;
}

function finalUsedOutside(model: FirewallModel, list: string, rules: Rule[]): boolean {
  const src = sourceOf(model);
  if (!src) return false;
  const excluded: Array<[number, number]> = [];
  for (const r of rules) excluded.push([r.source.range.start.offset, r.source.range.end.offset]);
  for (const l of model.addressLists.values()) {
    if (l.name !== list) continue;
    for (const r of [...l.filledBy, ...l.usedBy]) excluded.push([r.source.range.start.offset, r.source.range.end.offset]);
    for (const e of l.entries) excluded.push([e.command.range.start.offset, e.command.range.end.offset]);
  }
  for (const c of src.comments) excluded.push([c.start.offset, c.end.offset]);
  const esc = list.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[^\\w-])${esc}(?![\\w-])`, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(src.text)) !== null) {
    const at = m.index + m[1].length;
    if (!excluded.some(([s, e]) => at >= s && at < e)) return true;
  }
  return false;
}

function makeStage(r: Rule, index: number, attached: boolean): KnockStage {
  const m = r.match;
  const proto = m.protocol && !m.protocol.negated ? str(m.protocol.value) : undefined;
  const portNeg = m.dstPort ?? m.anyPort;
  const ports = portNeg && !portNeg.negated && Array.isArray(portNeg.value) ? portNeg.value : undefined;
  const size = m.packetSize && !m.packetSize.negated && Array.isArray(m.packetSize.value) ? m.packetSize.value : undefined;
  const l7 = m.layer7Protocol && !m.layer7Protocol.negated ? str(m.layer7Protocol.value) : undefined;
  return {
    rule: r,
    index,
    protocol: proto,
    ports,
    packetSize: size,
    list: r.addressList ?? '',
    timeout: r.addressListTimeout,
    requires: requiredList(r),
    layer7: l7,
    link: 'first',
    trigger: trigger(r),
    attached,
  };
}

function finish(a: Analysis, rules: Rule[], attachedSet: Set<Rule>): KnockSequence {
  const stages = rules.map((r, i) => makeStage(r, i, attachedSet.has(r)));
  const brokenLinks: BrokenLink[] = [];
  for (const s of stages) {
    const prev = s.index > 0 ? stages[s.index - 1] : undefined;
    const u = s.requires ? a.u(s.requires) : undefined;
    const filled = !!u && (u.fillers.length > 0 || u.staticEntries > 0 || u.refreshers.some((r) => r !== s.rule));
    if (!prev) {
      s.link = s.requires && !filled ? 'unfilled' : 'first';
    } else if (!s.requires) s.link = 'missing';
    else if (s.requires === prev.list) s.link = 'ok';
    else if (!filled) s.link = 'unfilled';
    else s.link = 'mismatch';
    if (s.link === 'missing' || s.link === 'unfilled' || s.link === 'mismatch') {
      brokenLinks.push({ stage: s.index, kind: s.link, expected: prev?.list, actual: s.requires });
    }
  }
  const last = stages[stages.length - 1];
  const finalList = last.list;
  const u = a.u(finalList);
  const accepts = u?.accepts ?? [];
  const otherGrants = u?.grants ?? [];
  const refreshers = new Set<Rule>();
  for (const s of stages) for (const r of a.u(s.list)?.refreshers ?? []) refreshers.add(r);
  const chains: string[] = [];
  for (const s of stages) if (!chains.includes(s.rule.chain)) chains.push(s.rule.chain);
  const seq: KnockSequence = {
    family: a.family,
    table: stages[0].rule.table,
    chain: stages[0].rule.chain,
    stages,
    finalList,
    accepts,
    chains,
    disabledAccepts: u?.disabledAccepts ?? [],
    otherGrants,
    finalUsedOutsideFirewall: false,
    refreshers: [...refreshers],
    brokenLinks,
    orphanStages: stages.filter((s) => s.attached),
    complete: brokenLinks.length === 0 && (accepts.length > 0 || otherGrants.some((g) => !g.disabled)),
  };
  if (accepts.length === 0 && otherGrants.length === 0) {
    seq.finalUsedOutsideFirewall = finalUsedOutside(a.model, finalList, [...stages.map((s) => s.rule), ...refreshers]);
  }
  return seq;
}

function analyseFamily(model: FirewallModel, family: Family): KnockSequence[] {
  const a = new Analysis(model, family);
  const candidates: Array<{ rules: Rule[]; dangling: boolean }> = [];

  // 1. sequences ending in a list that grants access
  for (const [, u] of a.usage) {
    if (u.drops.length > 0) continue; // a blacklist
    if (u.accepts.length + u.disabledAccepts.length + u.grants.length === 0) continue;
    for (const f of u.fillers) if (a.isStageRule(f)) candidates.push({ rules: a.walkBack(f), dangling: false });
  }
  const inGranted = new Set<Rule>();
  for (const c of candidates) for (const r of c.rules) inGranted.add(r);

  // 2. chains ending in a list nothing uses: orphans of a broken sequence, or a knock that grants nothing
  const orphanChains: Rule[][] = [];
  for (const [list, u] of a.usage) {
    if (!a.unused(list)) continue;
    for (const f of u.fillers) {
      if (!a.isStageRule(f) || inGranted.has(f) || a.blacklistFeeders.has(f) || trigger(f) === 'none') continue;
      const chain = a.walkBack(f).filter((r) => !inGranted.has(r));
      if (chain.length > 0) orphanChains.push(chain);
    }
  }
  const attachedChains = new Set<Rule[]>();
  const out: KnockSequence[] = [];
  const consider = (c: { rules: Rule[]; dangling: boolean }): void => {
    let rules = c.rules;
    const attached = new Set<Rule>();
    const headReq = requiredList(rules[0]);
    const headOpen = !headReq || !a.filled(headReq);
    if (!c.dangling) {
      // Attach orphan chains (repeat: an orphan next to an attached orphan attaches too).
      // - A chain whose first rule requires a stage's list branches off that stage: it goes right after
      //   it (the next stage then requires the wrong list).
      // - A chain named like the sequence (same list stem, or knock naming and adjacency) goes before the
      //   head, when the head's own requirement is open (absent, or a list nothing fills).
      // - Whatever its naming, a stage-like chain (stageLike) whose list nothing uses and whose last rule
      //   sits directly above a stage (only transparent rules between) is that stage's previous stage:
      //   above an open head it goes first; squeezed between two stages of the sequence it goes between
      //   them (the stage below then requires the wrong list). A sequence written bottom-up (each stage
      //   below its successor) takes a chain directly below its head likewise.
      const prepend: Rule[][] = [];
      const after = new Map<Rule, Rule[][]>();
      const before = new Map<Rule, Rule[][]>();
      const rebuild = (): void => {
        // order prepended chains by their last list's trailing number, then by rule order
        const key = (r: Rule) => (r.addressList ? numberOf(r.addressList) : undefined) ?? Number.MAX_SAFE_INTEGER;
        prepend.sort((x, y) => key(x[x.length - 1]) - key(y[y.length - 1]) || a.order.get(x[0])! - a.order.get(y[0])!);
        const seen = new Set<Rule>();
        const expand = (r: Rule): Rule[] => {
          if (seen.has(r)) return [];
          seen.add(r);
          const out: Rule[] = [];
          for (const ch of before.get(r) ?? []) for (const x of ch) out.push(...expand(x));
          out.push(r);
          for (const ch of after.get(r) ?? []) for (const x of ch) out.push(...expand(x));
          return out;
        };
        rules = [...prepend.flat(), ...c.rules].flatMap(expand);
      };
      const bottomUp = (): boolean => rules.length > 1 && rules.every((r, i) => i === 0 || a.above(r, rules[i - 1]));
      const positionOf = (oc: Rule[]): Rule | undefined => {
        const last = oc[oc.length - 1];
        if (!oc.every((r) => a.stageLike(r)) || !a.fullyUnused(last.addressList!, [...oc, ...rules])) return undefined;
        const head = rules[0];
        const headReq = requiredList(head);
        const headOpenNow = !headReq || !a.filled(headReq);
        if (headOpenNow && trigger(head) !== 'none') {
          if (a.directlyAbove(last, head)) return head;
          if (bottomUp() && a.directlyAbove(head, last)) return head;
        }
        for (let i = 1; i < rules.length; i++) {
          const r = rules[i];
          if (trigger(r) === 'none' || r.chain !== last.chain) continue;
          if (a.directlyAbove(rules[i - 1], oc[0]) && a.directlyAbove(last, r)) return r;
        }
        return undefined;
      };
      let changed = true;
      while (changed) {
        changed = false;
        for (const oc of orphanChains) {
          if (attachedChains.has(oc)) continue;
          const last = oc[oc.length - 1];
          if (!rules.some((r) => r.chain === last.chain)) continue;
          const firstReq = requiredList(oc[0]);
          const anchor = firstReq ? rules.find((r) => r.addressList === firstReq) : undefined;
          const stems = new Set<string>();
          for (const r of rules) {
            for (const n of [r.addressList, requiredList(r)]) {
              const st = n ? stemOf(n) : undefined;
              if (st) stems.add(st);
            }
          }
          const ocStem = last.addressList ? stemOf(last.addressList) : undefined;
          const stemMatch = !!ocStem && stems.has(ocStem);
          const adjacent = oc.some((o) => rules.some((r) => a.adjacent(o, r)));
          const named = namesOf(oc).some((n) => KNOCKISH.test(n)) && !BLACKLISTISH.test(last.addressList ?? '');
          if ((anchor || headOpen) && (stemMatch || (adjacent && named))) {
            if (anchor) {
              const list = after.get(anchor) ?? [];
              list.push(oc);
              after.set(anchor, list);
            } else prepend.push(oc);
          } else {
            const at = firstReq ? undefined : positionOf(oc);
            if (!at) continue;
            const list = before.get(at) ?? [];
            list.push(oc);
            before.set(at, list);
          }
          attachedChains.add(oc);
          for (const r of oc) attached.add(r);
          changed = true;
          rebuild();
        }
      }
    }
    const names = namesOf(rules);
    const knockNamed = names.some((n) => KNOCKISH.test(n));
    const strongNamed = names.some((n) => KNOCK_WORD.test(n));
    const hasTrigger = rules.some((r) => trigger(r) !== 'none');
    if (!hasTrigger) return;
    const finalName = rules[rules.length - 1].addressList ?? '';
    if (c.dangling) {
      // "stage" names alone also describe brute-force detectors: a knock that grants nothing must be
      // named a knock
      // (or be named like stages and have its final list read by a script, which may grant access)
      if (rules.length < 2 || BLACKLISTISH.test(finalName)) return;
      if (!strongNamed && !(knockNamed && finalUsedOutside(a.model, finalName, rules))) return;
    } else if (rules.length < 2 && attached.size === 0 && !knockNamed) return;
    out.push(finish(a, rules, attached));
  };
  for (const c of candidates) consider(c);
  for (const oc of orphanChains) if (!attachedChains.has(oc)) consider({ rules: oc, dangling: true });

  // drop sequences contained in longer ones; sort by first stage position
  const kept = out.filter((s) => {
    const mine = new Set(s.stages.map((x) => x.rule));
    return !out.some(
      (o) => o !== s && o.stages.length > s.stages.length && [...mine].every((r) => o.stages.some((x) => x.rule === r)),
    );
  });
  const seen = new Set<string>();
  const unique = kept.filter((s) => {
    const k = s.stages.map((x) => x.rule.uid).join(',');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  unique.sort((x, y) => a.order.get(x.stages[0].rule)! - a.order.get(y.stages[0].rule)!);
  return unique;
}

/** Every knock sequence the script sets up (IPv4 first, then IPv6), in rule order. */
export function findKnockSequences(model: FirewallModel): KnockSequence[] {
  return [...analyseFamily(model, 'ip'), ...analyseFamily(model, 'ipv6')];
}

/** Lists used by drop/reject/tarpit rules (any table), with the rules filling and feeding them. */
export function findBlacklists(model: FirewallModel): Blacklist[] {
  const out: Blacklist[] = [];
  const knockRules = new Set<Rule>();
  for (const k of findKnockSequences(model)) for (const s of k.stages) knockRules.add(s.rule);
  for (const family of ['ip', 'ipv6'] as const) {
    const a = new Analysis(model, family);
    for (const [list, u] of a.usage) {
      if (u.drops.length === 0) continue;
      const fillers = [...u.fillers, ...u.refreshers];
      const feeders: Rule[] = [];
      const seen = new Set<string>([list]);
      const stack = fillers.map(requiredList).filter((x): x is string => !!x);
      while (stack.length) {
        const l = stack.pop()!;
        if (seen.has(l)) continue;
        seen.add(l);
        for (const f of a.u(l)?.fillers ?? []) {
          if (knockRules.has(f)) continue; // a knock stage the blacklist filler requires
          feeders.push(f);
          const req = requiredList(f);
          if (req) stack.push(req);
        }
      }
      out.push({ family, list, drops: u.drops, fillers, feeders });
    }
  }
  return out;
}
