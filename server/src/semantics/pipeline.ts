// The order RouterOS walks a packet through the tables, and what each action does to it: shared by
// the set analysis (reach.ts) and the simulator (simulate/engine.ts), so they cannot disagree.
//
// Per hook (only tables and built-in chains the script has rules in): input = raw prerouting ->
// [connection tracking] -> mangle prerouting -> mangle input -> filter input; forward = raw prerouting
// -> mangle prerouting -> mangle forward -> filter forward; output = raw output -> mangle output ->
// filter output. nat is not walked (its dst-nat rules only decide which connection-nat-state values
// exist, see space.ts).
//
// Within a chain: disabled rules are skipped; accept ends the table (the packet goes on to the next
// table), drop/reject/tarpit end the packet; jump enters the target chain and comes back when it ends
// or meets `return` (at most MAX_JUMP_DEPTH nested jumps: deeper jumps are not taken); `return` in a
// built-in chain, or its end, ends the table like an accept (the implicit accept). add-src/dst-to-
// address-list adds at once (later rules of the same trip see the address in the list), unless its
// timeout is zero; notrack makes the packet `untracked` for the rest of its trip; marking actions set
// the mark and, with `passthrough=no`, end the table; log, passthrough and the rest go on.

import type { Rule, TableName } from '../model/types';
import { parseBool } from '../model/values';
import type { Hook } from './space';

export const FLOW: Record<Hook, ReadonlyArray<readonly [TableName, string]>> = {
  input: [['raw', 'prerouting'], ['mangle', 'prerouting'], ['mangle', 'input'], ['filter', 'input']],
  forward: [['raw', 'prerouting'], ['mangle', 'prerouting'], ['mangle', 'forward'], ['filter', 'forward']],
  output: [['raw', 'output'], ['mangle', 'output'], ['filter', 'output']],
};

export const MAX_JUMP_DEPTH = 16;

export const MARK_ACTIONS: Record<string, 'packet' | 'connection' | 'routing'> = {
  'mark-packet': 'packet',
  'mark-connection': 'connection',
  'mark-routing': 'routing',
};

/** Mangle/raw actions that may carry `passthrough=no`. */
export const PASSTHROUGH_ACTIONS = new Set([
  'mark-packet', 'mark-connection', 'mark-routing', 'change-dscp', 'change-mss', 'change-ttl',
  'change-hop-limit', 'set-priority', 'strip-ipv4-options', 'clear-df', 'sniff-tzsp', 'sniff-pc', 'route',
]);

export type ActionKind = 'accept' | 'drop' | 'reject' | 'tarpit' | 'return' | 'jump' | 'add-src' | 'add-dst' | 'notrack' | 'mark' | 'continue';

export interface Action {
  kind: ActionKind;
  /** Jump target (kind `jump`). */
  target?: string;
  /** Address list (add-src/add-dst); undefined when the rule names none (then nothing is added). */
  list?: string;
  /** Seconds an added entry lives (Infinity: no timeout). */
  timeout: number;
  /** The mark a marking action sets. */
  mark?: { kind: 'packet' | 'connection' | 'routing'; value: string };
  /** `passthrough=no` on a mangle action: ends the table after it. */
  stops: boolean;
}

/** What a rule's action does to a packet that matches it. */
export function actionOf(rule: Rule): Action {
  const a = rule.action;
  const to = rule.addressListTimeout;
  const timeout = typeof to === 'number' ? to : Infinity;
  const stops = PASSTHROUGH_ACTIONS.has(a) && parseBool(rule.props.passthrough) === false;
  const markKind = MARK_ACTIONS[a];
  const markValue = markKind ? rule.props[`new-${markKind}-mark`]?.trim() : undefined;
  const mark = markKind && markValue ? { kind: markKind, value: markValue } : undefined;
  switch (a) {
    case 'accept':
    case 'drop':
    case 'reject':
    case 'tarpit':
    case 'return':
      return { kind: a, timeout, stops: false };
    case 'jump':
      return { kind: 'jump', target: rule.jumpTarget, timeout, stops: false };
    case 'add-src-to-address-list':
      return { kind: 'add-src', list: rule.addressList, timeout, stops: false };
    case 'add-dst-to-address-list':
      return { kind: 'add-dst', list: rule.addressList, timeout, stops: false };
    case 'notrack':
      return { kind: 'notrack', timeout, stops: false };
    default:
      return { kind: mark ? 'mark' : 'continue', mark, timeout, stops };
  }
}

/** Does an addition with this timeout leave the address in the list for the rest of the trip? */
export function addTakesEffect(timeout: number): boolean {
  return timeout > 0;
}
