// The simulator's data: packets in, per-packet traces out. Pure data, no LSP, no network.

import type { Family, Rule, TableName } from '../model/types';

/** Where a packet enters the firewall: traffic to the router, through it, or from it. */
export type Hook = 'input' | 'forward' | 'output';

export type ConnState = 'new' | 'established' | 'related' | 'invalid' | 'untracked';

export interface SimPacket {
  /** Seconds on the virtual clock. Packets are expected in time order. */
  time: number;
  /** Source address (IPv4 or IPv6, no prefix). */
  src: string;
  /** Destination address; default 203.0.113.1 (2001:db8::1 for IPv6). */
  dst?: string;
  /** `tcp`, `udp`, `icmp`, `icmpv6`, or any protocol name/number. */
  protocol: string;
  srcPort?: number;
  dstPort?: number;
  /** Default `input`. */
  hook?: Hook;
  /** Name of the interface the packet arrives on (default: none, matching no `in-interface=`). */
  inInterface?: string;
  /**
   * Interface lists the arrival interface belongs to, besides the members the file defines (for an
   * interface the file does not define, e.g. a synthetic WAN port). `all` is implied.
   */
  inInterfaceLists?: string[];
  outInterface?: string;
  outInterfaceLists?: string[];
  /** Connection state; default `new`. */
  state?: ConnState;
  /** TCP flags set; default `syn` for a new TCP packet, `ack` otherwise. */
  tcpFlags?: string[];
  /** IP packet size in bytes; default from the protocol and payload (a TCP SYN is 60 bytes over IPv4). */
  size?: number;
  /** Application payload (what layer7-protocol and content= see); a TCP SYN carries none. */
  payload?: string;
  /** ICMP type and code. */
  icmp?: { type: number; code: number };
  srcMac?: string;
  /**
   * `dst-address-type` of the packet: default `local` in input (unicast to one of the router's own
   * addresses), `unicast` otherwise; `broadcast` / `multicast` for such packets.
   */
  dstAddressType?: 'unicast' | 'local' | 'broadcast' | 'multicast';
  /** `src-address-type`: default `local` in output, `unicast` otherwise. */
  srcAddressType?: 'unicast' | 'local' | 'broadcast' | 'multicast';
  /** `connection-nat-state` of the packet's connection (default: not NATed). */
  natState?: Array<'srcnat' | 'dstnat'>;
  /** The connection mark the packet's connection already carries (default: none). */
  connectionMark?: string;
}

/** One rule a packet matched. */
export interface TraceStep {
  rule: Rule;
  table: TableName;
  chain: string;
  action: string;
  /** Conditions the simulator does not model (`ipsec-policy`, `connection-limit`), taken as `assumed`. */
  assumed?: string[];
  /** Extra explanation (a jump loop cut, an action without effect here). */
  note?: string;
  /** The rule logs the packet (`action=log`, or `log=yes` on any action). */
  logged?: boolean;
}

export type ListOp = 'add' | 'refresh' | 'expire';

export interface ListChange {
  op: ListOp;
  list: string;
  address: string;
  /** Virtual time the entry expires (Infinity: no timeout). */
  expires: number;
  /** The rule that added/refreshed it. */
  rule?: Rule;
}

export type Verdict = 'accept' | 'drop' | 'reject' | 'tarpit';

export interface PacketTrace {
  index: number;
  packet: SimPacket;
  /** Every rule that matched, in evaluation order (jumps and passthrough rules included). */
  matched: TraceStep[];
  verdict: Verdict;
  /** The rule that decided; undefined when the built-in chain's implicit accept did. */
  verdictRule?: Rule;
  /** Address-list entries added or refreshed by this packet. */
  changes: ListChange[];
  /** Entries that expired since the previous packet. */
  expired: ListChange[];
}

export interface SimOptions {
  family?: Family;
  /** Tables walked, in packet-flow order; default raw, mangle, filter (nat is not simulated). */
  tables?: TableName[];
  /** Rules treated as enabled although the script disables them (e.g. the guide's blacklist). */
  enable?: ReadonlySet<Rule>;
  /** Rules treated as disabled. */
  disable?: ReadonlySet<Rule>;
  /**
   * What a condition the simulator does not model evaluates to (default: does not match). Called once
   * per rule when it is compiled.
   */
  assume?: (rule: Rule, condition: string) => boolean;
  /** Re-adding an address that is already in a list resets its timeout (default true). */
  refreshOnReAdd?: boolean;
  /** Called for every list addition (also in fast mode): cheap hook for scans. */
  onAdd?: (list: string, address: string, time: number, rule: Rule, packetIndex: number) => void;
  /**
   * The reference engine: every rule of a chain tested, every list walked for expired entries. By default
   * a packet is tested only against the rules its protocol and destination port can match (ruleIndex.ts,
   * chains of `indexMinRules` rules or more, default 16) and expiries come from a heap. The traces are the
   * same either way; these two options are for the tests that prove it.
   */
  plain?: boolean;
  indexMinRules?: number;
}

/** How `Simulator.scan` evaluates its packets (see there). */
export interface ScanOptions {
  /** `plain`: every packet through the rules; `memo` (default): memoized, packets that add nothing skipped; `compress`: also repeated stretches skipped. */
  mode?: 'plain' | 'memo' | 'compress';
}
