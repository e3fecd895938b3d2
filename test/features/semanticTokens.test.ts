import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/parser';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from '../../server/src/features/semanticTokens';
import { loadSchema } from '../../server/src/schema';

/** Decodes the LSP delta encoding into `line:char text type[+mods]`. */
function decode(text: string): string[] {
  const lines = text.split('\n');
  const { data } = semanticTokens(text, parse(text), loadSchema());
  const out: string[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
    const mods = SEMANTIC_TOKENS_LEGEND.tokenModifiers.filter((_, b) => data[i + 4] & (1 << b));
    out.push(`${line}:${char} ${lines[line].slice(char, char + data[i + 2])} ${SEMANTIC_TOKENS_LEGEND.tokenTypes[data[i + 3]]}${mods.length ? `+${mods.join('+')}` : ''}`);
  }
  return out;
}

test('names get semantic tokens; declarations and builtins are marked', () => {
  assert.deepEqual(
    decode(':local port 22\n/ip firewall address-list add list=ok address=1.2.3.4\n/ip firewall filter add chain=input src-address-list=!ok dst-port=$port action=jump jump-target=mine'),
    [
      '0:7 port variable+declaration',
      '1:35 ok enum+declaration',
      '2:30 input label+declaration+defaultLibrary',
      '2:54 ok enum',
      '2:67 port variable',
      '2:96 mine label',
    ],
  );
});
