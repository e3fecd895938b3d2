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
}

export interface Table {
  family: Family;
  name: TableName;
  /** All rules of the table in their final order (RouterOS numbers them in this order across chains). */
  rules: Rule[];
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
}

export interface FirewallModel {
  /** Keyed `${family} ${table}`, e.g. `ip filter`, `ipv6 raw`. Only tables the script touches. */
  tables: Map<string, Table>;
  /** Keyed `${family} ${name}`. Lists referenced anywhere (entries, filled, used). */
  addressLists: Map<string, AddressList>;
  interfaceLists: Map<string, InterfaceList>;
  layer7: Map<string, Layer7Protocol>;
  unresolved: Unresolved[];
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
}
