// Semantic tokens for what the TextMate grammar cannot know: which words are names the script defines
// and uses (address lists, interface lists, chains, layer7 protocols, scripts, variables), where they are
// declared, and which are builtin (`input`, `forward`, interface list `all`). Only these names get
// tokens; everything else keeps the grammar's colors.

import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { ParseResult } from '../parser/ast';
import type { Schema } from '../schema';
import { indexNames, isBuiltinName } from './navigation';
import type { NameKind } from './navigation';

const TYPES = ['enum', 'label', 'regexp', 'function', 'variable'] as const;
const MODIFIERS = ['declaration', 'defaultLibrary'] as const;

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

const TYPE_OF: Record<NameKind, (typeof TYPES)[number]> = {
  'address-list': 'enum',
  'interface-list': 'enum',
  chain: 'label',
  layer7: 'regexp',
  script: 'function',
  variable: 'variable',
};

export function semanticTokens(text: string, parse: ParseResult, schema: Schema): SemanticTokens {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const o of indexNames(parse, schema, text).occurrences) {
    const { start, end } = o.range;
    if (start.line !== end.line || end.character <= start.character) continue;
    const type = TYPES.indexOf(TYPE_OF[o.kind]);
    const mods = (o.def ? 1 : 0) | (isBuiltinName(o) ? 2 : 0);
    const deltaLine = start.line - prevLine;
    const deltaChar = deltaLine === 0 ? start.character - prevChar : start.character;
    if (deltaLine < 0 || deltaChar < 0) continue; // overlapping occurrence (never expected): skip
    data.push(deltaLine, deltaChar, end.character - start.character, type, mods);
    prevLine = start.line;
    prevChar = start.character;
  }
  return { data };
}
