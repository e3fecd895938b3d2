// Applying text edits (the `edits` of a Fix) to a file's text. Pure; shared by the rule tests
// ("apply the fix, re-lint, the finding is gone"), the language server and the CLI.

import type { TextEdit } from './rules/types';

/** Thrown when edits cannot be applied: out of range, malformed or overlapping. */
export class EditError extends Error {
  override name = 'EditError';
}

function describe(e: TextEdit): string {
  const text = e.newText.length > 30 ? `${JSON.stringify(e.newText.slice(0, 30))}...` : JSON.stringify(e.newText);
  return `[${e.start}, ${e.end}) -> ${text}`;
}

/**
 * Applies `edits` ([start, end) UTF-16 offsets into `text`) and returns the new text.
 * The edits may come in any order; they are applied as if simultaneously (every offset refers to the
 * original text). Two insertions at the same offset keep their given order. Overlapping edits, offsets
 * outside the text and `start > end` throw an EditError naming the edits involved.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  for (const e of edits) {
    if (
      !Number.isInteger(e.start) ||
      !Number.isInteger(e.end) ||
      e.start < 0 ||
      e.end > text.length ||
      e.start > e.end
    ) {
      throw new EditError(`edit ${describe(e)} is outside the text (length ${text.length}) or reversed`);
    }
    if (typeof e.newText !== 'string') throw new EditError(`edit [${e.start}, ${e.end}) has no newText`);
  }
  // Stable sort by position: insertions at the same offset keep their relative order.
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map((x) => x.e);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1];
    const cur = sorted[k];
    // Touching is fine ([0,2) then [2,4)), so are insertions at the same point and an insertion at the
    // start of a replacement (it goes first). Sharing a replaced character, or an insertion strictly
    // inside a replaced range, overlaps.
    if (cur.start < prev.end) {
      throw new EditError(`overlapping edits: ${describe(prev)} and ${describe(cur)}`);
    }
  }
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}
