// The compact multi-version command-tree table written by scripts/gen-schema.ts and read by ./index.ts.
//
// One table for every RouterOS version of ../shared/routeros-schema/versions (7.9 .. 7.24, base package
// plus the extra packages). Bit i of a version mask means "present in versions[i]"; a missing mask means
// "present in every version". Everything repeated is stored once and referenced by index:
//   strings  descriptions and value-type texts ("string value", "0s..35w3d13h13m56s (time interval)")
//   types    value types parsed from a `desc` text (see ValueType)
//   enums    value lists: a value is "accept" or ["all", <strings index of its description>]
//   args     argument specs: "name" (no type, no values, all versions) or
//            [name, desc, enum, flags, mask, alt] (desc: strings index or -1, enum: enums index or -1,
//            flags: FLAG_*, mask: version mask (0 = all), alt: [[desc, mask], ...] older descs that differ
//            from `desc`, for the versions in their mask); trailing defaults are left off
//   argsets  one command's arguments: indices into `args`, sorted by name
//   menus    [path joined by spaces ('' = root), {command: argset | [argset, mask]}, {property: strings index},
//            mask (0 = all), package (1 = only in the extra packages' trees)]
//   renames  [kind, path, old name, new name, version index]: an item that went away in versions[i] while
//            one with the same content appeared there under another name (menus: same commands;
//            arguments: same value type, same command) — RouterOS renamed it

export const SCHEMA_FORMAT = 2;
/** The value may be written `!value` (RouterOS offers `!` as a "value prefix"). */
export const FLAG_NEGATABLE = 1;
/** The value is a comma-separated list (RouterOS offers `,` as a "value separator"). */
export const FLAG_LIST = 2;
/** The enum is the complete set of accepted values (yes/no, or the router's own `a|b|c` type text). */
export const FLAG_CLOSED = 4;
/** The argument exists only in extra packages' trees. */
export const FLAG_PACKAGE = 8;

export type EnumValue = string | [string, number];
export type ArgSpec = string | [string, number, number?, number?, number?, Array<[number, number]>?];
export type CommandRef = number | [number, number];
export type MenuEntry = [string, Record<string, CommandRef>, Record<string, number>, number?, number?];
export type RenameEntry = ['menu' | 'command' | 'arg', string, string, string, number];

/**
 * A value type parsed from the router's `desc` text:
 *   ['time', min ms | null, max ms | null]   "0s..1d (time interval)", "time interval"
 *   ['int', min, max]                         "0..4294967295"
 *   ['ip'] | ['ip-prefix'] | ['ip-range']     "A.B.C.D (IP address)", "A.B.C.D/M (IP prefix)", ranges
 *   ['ip6-prefix']                            "IPv6/0..128 (IPv6 prefix)"
 *   ['mac']                                   "AB[:|-|.]CD... (MAC address)"
 *   ['str', min, max]                         "string value, max length 16"
 *   ['hex', min, max]                         "hexadecimal string value"
 *   ['enum', enums index, list 0|1]           "tcp|udp[,Proto*]"
 *   ['other']                                 "script", "see documentation", anything else
 */
export type ValueType =
  | ['time', number | null, number | null]
  | ['int', number, number]
  | ['ip']
  | ['ip-prefix']
  | ['ip-range']
  | ['ip6-prefix']
  | ['mac']
  | ['str', number, number]
  | ['hex', number, number]
  | ['enum', number, number]
  | ['other'];

export interface CompactSchema {
  format: number;
  /** Every RouterOS version the table covers, oldest first (bit i of a mask = versions[i]). */
  versions: string[];
  /** Where the completion values come from (7.22.3, then 7.21.5: the crawls that have them). */
  completionsFrom: string[];
  strings: string[];
  /** Parsed value type per strings index that is a value-type text: {strings index: type}. */
  types: Record<string, ValueType>;
  enums: EnumValue[][];
  args: ArgSpec[];
  argsets: number[][];
  menus: MenuEntry[];
  renames: RenameEntry[];
}
