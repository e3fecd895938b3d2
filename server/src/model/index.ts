// The firewall model: what a script leaves behind (tables, rules in order, lists), the reasoning
// over it, and knock-sequence recognition. Pure functions over the syntax tree; no LSP.
export { buildModel, parseFind, derive, sourceOf } from './build';
export { printNumbers, mayListDynamic } from './numbering';
export type { PrintNumbers } from './numbering';
export { findKnockSequences, findBlacklists } from './knock';
export {
  covers,
  mayOverlap,
  matchCovers,
  matchMayOverlap,
  pathTo,
  rulesBefore,
  hiddenBy,
  stepCatches,
  reachable,
  blockedByJump,
  builtinChains,
  listsDisjoint,
} from './reason';
export type { PathStep, RulePath, HideOptions } from './reason';
export * from './values';
export type * from './types';
