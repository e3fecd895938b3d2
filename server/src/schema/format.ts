// The compact command-tree table written by scripts/gen-schema.ts and read by ./index.ts.
//
// Everything repeated is stored once and referenced by index:
//   strings  descriptions and value-type texts ("string value", "0s..35w3d13h13m56s (time interval)")
//   enums    value lists: a value is "accept" or ["all", <strings index of its description>]
//   args     argument specs: "name" | [name, type] | [name, type, enum] | [name, type, enum, flags]
//            (type/enum: index or -1; flags: FLAG_NEGATABLE | FLAG_LIST)
//   argsets  one command's arguments: indices into `args`, sorted by name
//   menus    [path joined by spaces ('' = root), {command: argsets index}, {property: strings index}]

export const SCHEMA_FORMAT = 1;
/** The value may be written `!value` (RouterOS offers `!` as a "value prefix"). */
export const FLAG_NEGATABLE = 1;
/** The value is a comma-separated list (RouterOS offers `,` as a "value separator"). */
export const FLAG_LIST = 2;

export type EnumValue = string | [string, number];
export type ArgSpec = string | [string, number] | [string, number, number] | [string, number, number, number];
export type MenuEntry = [string, Record<string, number>, Record<string, number>];

export interface CompactSchema {
  format: number;
  /** RouterOS version the tree was crawled from. */
  version: string;
  /** Version whose `_completion` values the table carries (7.24 borrows from 7.22). */
  completionsFrom: string;
  strings: string[];
  enums: EnumValue[][];
  args: ArgSpec[];
  argsets: number[][];
  menus: MenuEntry[];
}
