// Test doubles for the lint pipeline: checks that report every occurrence of a marker word, so the
// pipeline's own behaviour (suppression, severities, sorting, containment) is tested independently of
// the real firewall checks.
import type { Range } from '../../server/src/parser/ast';
import type { Check, Severity } from '../../server/src/rules/types';

export function rangeOf(text: string, start: number, end: number): Range {
  const pos = (offset: number) => {
    let line = 0;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
      if (text[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: offset - lineStart, offset };
  };
  return { start: pos(start), end: pos(end) };
}

/** A check `id` reporting each occurrence of `marker` in the text. */
export function markerCheck(id: string, marker: string, defaultSeverity: Severity = 'warning'): Check {
  return {
    id,
    defaultSeverity,
    description: `reports ${marker}`,
    examples: { bad: `:put ${marker}`, good: ':put ok' },
    run: ({ text }) => {
      const out = [];
      for (let i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + 1)) {
        out.push({ rule: id, message: `${marker} found`, range: rangeOf(text, i, i + marker.length) });
      }
      return out;
    },
  };
}

/** A check that always throws. */
export function throwingCheck(id: string): Check {
  return {
    id,
    defaultSeverity: 'error',
    description: 'always throws',
    examples: { bad: '', good: '' },
    run: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'chain')");
    },
  };
}
