// The configuration a script leaves behind, as the firewall checks, the simulator and the editor
// features see it. Built from the syntax tree by server/src/model/build.ts; pure data, no LSP.
//
// Values a script computes at run time (`dst-port=$port`, `($a->"b")`) are kept as `Unknown` with
// their source text: consumers must treat them as "could be anything", never guess.

import type { Command, Range } from '../parser/ast';

export type Family = 'ip' | 'ipv6';
export type TableName = 'filter' | 'nat' | 'mangle' | 'raw';

/** A value the script computes at run time; `raw` is its source text. */
export interface Unknown {
  unknown: true;
  raw: string;
}

/** A match condition that may be negated with `!`. */
export interface Neg<T> {
  negated: boolean;
  value: T | Unknown;
}

/** Inclusive port ranges, e.g. `21,22,1000-2000` -> [[21,21],[22,22],[1000,2000]]. */
export type PortSet = Array<[number, number]>;

/** Seconds; `none-dynamic` / `none-static` (no timeout) are kept as strings. */
export type Timeout = number | 'none-dynamic' | 'none-static';

export interface Match {
  protocol?: Neg<string>;
  srcPort?: Neg<PortSet>;
  dstPort?: Neg<PortSet>;
  /** `port=` (either direction). */
  anyPort?: Neg<PortSet>;
  srcAddress?: Neg<string>;
  dstAddress?: Neg<string>;
  srcAddressList?: Neg<string>;
  dstAddressList?: Neg<string>;
  inInterface?: Neg<string>;
  outInterface?: Neg<string>;
  inInterfaceList?: Neg<string>;
  outInterfaceList?: Neg<string>;
  /** `connection-state=new,established`: the listed states. */
  connectionState?: Neg<string[]>;
  connectionNatState?: Neg<string[]>;
  /** `tcp-flags=syn,!ack` kept as the list of flags, each possibly starting with `!`. */
  tcpFlags?: Neg<string[]>;
  /** `packet-size=100-200` as a range. */
  packetSize?: Neg<[number, number]>;
  layer7Protocol?: Neg<string>;
  /** `psd=21,3s,3,1` raw. */
  psd?: string;
  connectionLimit?: string;
  limit?: string;
  dstLimit?: string;
  srcMacAddress?: Neg<string>;
  icmpOptions?: Neg<string>;
  /** Every other matcher (`ipsec-policy`, `content`, `nth`, `time`, ...): name -> raw text. */
  other: Record<string, string>;
}

/** Where a rule's text lives in the file, for positions and for edits that move it. */
export interface RuleSource {
  /** The command that created the rule (`add ...`), or the first command that mentioned it. */
  command: Command;
  /** The range of that command (continuation lines included). */
  range: Range;
  /**
   * The range to move when the rule moves as a block: the command plus the comment lines directly
   * above it, from the start of the first line to the end of the last line (line end included).
   */
  blockRange: Range;
  /** Later commands that changed this rule (`set`, `disable`, `enable`, `move`, `comment`). */
  edits: Command[];
  /** True when the rule is created inside a conditional or loop body (may or may not run). */
  conditional: boolean;
  /**
   * (model addition) Why the rule as modelled may differ from the router's: it is created, changed,
   * moved or removed by a command that may or may not take effect (inside `:if`/loops/`:do`/functions,
   * or item numbers with no `print` before them). Findings that rest on such a rule are hedged.
   */
  uncertain?: string[];
}

export interface Rule {
  /** Stable identity within one model: creation order, 0-based, never reused. */
  uid: number;
  family: Family;
  table: TableName;
  chain: string;
  /** Final action; RouterOS's default is `accept`. */
  action: string;
  disabled: boolean;
  match: Match;
  jumpTarget?: string;
  /** For add-src/dst-to-address-list. */
  addressList?: string;
  addressListTimeout?: Timeout | Unknown;
  comment?: string;
  logPrefix?: string;
  /** Every property as last set, name -> raw source text (`!` kept): for features and the simulator. */
  props: Record<string, string>;
  source: RuleSource;
  /**
   * False when the rule's final position is uncertain (`place-before=` or `move` pointing at a rule the
   * script did not create): consumers should not report order problems that depend on it.
   */
  positionKnown: boolean;
  /**
   * (model addition) Names of properties whose value is computed at run time (`dst-port=$port`); their
   * structured fields hold `Unknown`. Absent or empty when every value is literal.
   */
  dynamicProps?: string[];
  /**
   * (model addition) True when the rule may be gone: a `remove` that may or may not take effect names it
   * (the model keeps it). Its print number and those after it are then unknown.
   */
  mayBeAbsent?: boolean;
}

export interface Table {
  family: Family;
  name: TableName;
  /** All rules of the table in their final order (RouterOS numbers them in this order across chains). */
  rules: Rule[];
  /**
   * (model addition) Whether the numbers `print` shows can be known (server/src/model/numbering.ts).
   * `complete`: the table holds only the rules the model shows (a full `/export`, or after a certain
   * `remove [find]`); otherwise the router's own rules are numbered too. `orderCertain`: since then every
   * command that changed the order took effect for certain. `why`: what made it unknown, for messages.
   */
  numbering?: { complete: boolean; orderCertain: boolean; why?: string };
}

/**
 * (model addition) One item number in a command (`move 0 3`, `enable numbers=5,6`, `place-before=3`,
 * `copy-from=2`) and the rule it refers to, as far as the script can know it. Numbers are those of the
 * last `print` of the table (RouterOS memorizes them per session; items added after it have none), or,
 * with no `print` before, the order a print there would show. `print` lists static rules only.
 */
export interface NumberRef {
  /** The number's text (both ends of a range `2-4`, which gives one entry per number). */
  range: Range;
  n: number;
  /** The table's key in `FirewallModel.tables` (`ip filter`). */
  table: string;
  command: Command;
  role: 'numbers' | 'destination' | 'place-before' | 'copy-from';
  /**
   * `rule`: refers to `rule`; `none`: refers to no rule (past the end of a known numbering); `removed`:
   * to `rule`, which an earlier command removed; `unknown`: cannot be known (`why` says why).
   */
  status: 'rule' | 'none' | 'removed' | 'unknown';
  rule?: Rule;
  why?: string;
  /** The `print` whose numbers these are; undefined when no print of the table came before. */
  print?: Command;
  /** How many rules that numbering holds (numbers 0 .. count-1), when known. */
  count?: number;
  /** The rules added after that print (they have no number until the next print). */
  unnumbered?: Rule[];
  /** The numbering the number indexes (shared between the refs of one command) and how many of its first entries are known. */
  numbering?: readonly Rule[];
  known?: number;
  /** Whether the rule was disabled when the command ran (undefined when computed at run time). */
  disabledThen?: boolean;
  /** The command is inside `:if`/loops/functions: it may not run, or run on another table state. */
  conditional?: boolean;
}

export interface AddressListEntry {
  list: string;
  address: string;
  timeout?: Timeout | Unknown;
  disabled: boolean;
  command: Command;
}

export interface AddressList {
  family: Family;
  name: string;
  /** Static entries (`/ip firewall address-list add list=... address=...`). */
  entries: AddressListEntry[];
  /** Rules with action add-src/dst-to-address-list that fill it. */
  filledBy: Rule[];
  /** Rules that match on it (src-address-list / dst-address-list, negated or not). */
  usedBy: Rule[];
}

export interface InterfaceList {
  name: string;
  /** Members the file adds (`/interface list member add list=WAN interface=ether1`). */
  members: string[];
  /** Lists included through `include=`/`exclude=` when given. */
  include: string[];
  exclude: string[];
  /** (model addition) True when some member is computed at run time (`interface=$wan`). */
  unknownMembers?: boolean;
  /** The command that defined it, when the file defines it; builtin `all`, `none`, `dynamic`, `static` have none. */
  definedBy?: Command;
}

export interface Layer7Protocol {
  name: string;
  regexp?: string;
  command: Command;
}

/** Something the model could not resolve because it lives in the router's existing config. */
export interface Unresolved {
  message: string;
  range: Range;
  /**
   * (model addition) What could not be resolved: a selector of set/remove/enable/... (`selector`), the
   * target of `place-before=` or `move ... destination=` (`position`: the rule's position is unknown),
   * a value computed at run time (`dynamic`).
   */
  kind?: 'selector' | 'position' | 'dynamic';
  /** (model addition) The command it belongs to. */
  command?: Command;
}

export interface FirewallModel {
  /** Keyed `${family} ${table}`, e.g. `ip filter`, `ipv6 raw`. Only tables the script touches. */
  tables: Map<string, Table>;
  /** Keyed `${family} ${name}`. Lists referenced anywhere (entries, filled, used). */
  addressLists: Map<string, AddressList>;
  interfaceLists: Map<string, InterfaceList>;
  layer7: Map<string, Layer7Protocol>;
  unresolved: Unresolved[];
  /** (model addition) Every item number used in a firewall table command, in text order. */
  numberRefs?: NumberRef[];
}

// ---------------------------------------------------------------------------------------------
// Knock sequences (recognized by server/src/model/knock.ts)

export interface KnockStage {
  rule: Rule;
  /** 0-based position in the sequence. */
  index: number;
  protocol?: string;
  ports?: PortSet;
  packetSize?: [number, number];
  /** The list this stage fills. */
  list: string;
  timeout?: Timeout | Unknown;
  /** The list this stage requires (`src-address-list=`), if any. */
  requires?: string;
  layer7?: string;
  /**
   * (model addition) How this stage is chained to the previous one:
   *  - `first`: index 0 and requires nothing (a correct first stage);
   *  - `ok`: requires exactly the previous stage's list;
   *  - `missing`: requires no list at all (`knock-missing-chain`), although a previous stage exists;
   *  - `unfilled`: requires a list that no rule fills and no static entry provides (`knock-broken-chain`);
   *  - `mismatch`: requires a list some other rule fills, but not the previous stage's list.
   */
  link: 'first' | 'ok' | 'missing' | 'unfilled' | 'mismatch';
  /** (model addition) What the knock packet must hit: a port, a packet size, an ICMP type, or nothing. */
  trigger: 'port' | 'size' | 'icmp' | 'none';
  /**
   * (model addition) True when the stage was attached by heuristics (list naming, adjacency) rather
   * than by `src-address-list=` chaining: see knock.ts.
   */
  attached: boolean;
}

/** (model addition) A defect in the chaining of a knock sequence, for the checks. */
export interface BrokenLink {
  /** Index of the stage whose `src-address-list=` is wrong or absent. */
  stage: number;
  kind: 'missing' | 'unfilled' | 'mismatch';
  /** The list it should require (the previous stage's list); undefined for an unfilled first stage. */
  expected?: string;
  /** The list it requires, if any. */
  actual?: string;
}

export interface KnockSequence {
  family: Family;
  table: TableName;
  /** The chain the stages live in. */
  chain: string;
  stages: KnockStage[];
  /** The list the last stage fills. */
  finalList: string;
  /** Accept rules that admit `src-address-list=<finalList>`, in order. */
  accepts: Rule[];
  // ----- model additions -----
  /** Every chain a stage lives in (usually one; stages in different chains are possible). */
  chains: string[];
  /** Enabled accept rules are in `accepts`; disabled ones that would admit the final list are here. */
  disabledAccepts: Rule[];
  /**
   * Other rules that grant the final list something: `drop ... src-address-list=!final` (only the final
   * list passes), `jump ... src-address-list=final`, nat `dst-nat ... src-address-list=final`.
   */
  otherGrants: Rule[];
  /**
   * True when the final list's name appears in the file outside firewall rules that use it (a script or
   * scheduler reads it): then "grants nothing" may be wrong, the script may grant access.
   */
  finalUsedOutsideFirewall: boolean;
  /** Rules that re-add the final or a stage list while requiring that same list (timeout refresh). */
  refreshers: Rule[];
  /** Chaining defects, one per affected stage, in stage order. Empty for a well-chained sequence. */
  brokenLinks: BrokenLink[];
  /** The stages (also in `stages`) attached by heuristics because their chaining is missing. */
  orphanStages: KnockStage[];
  /** True when every stage is chained and some enabled accept (or other grant) uses the final list. */
  complete: boolean;
}

/** (model addition) A list that a drop/reject/tarpit rule uses: a blacklist, and the rules filling it. */
export interface Blacklist {
  family: Family;
  list: string;
  /** Rules (any table) with action drop/reject/tarpit and `src-address-list=<list>` (not negated). */
  drops: Rule[];
  /** Rules with action add-src-to-address-list `address-list=<list>`. */
  fillers: Rule[];
  /**
   * Detector stages feeding the fillers (`ssh_stage1 -> ssh_stage2 -> blacklist`): rules filling the lists
   * the fillers require, transitively. Not knocks.
   */
  feeders: Rule[];
}
