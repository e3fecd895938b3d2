// The formatter over every corpus file: it never changes meaning. For each file that parses, the
// formatter's own check (the formatted text parses without errors and runs the same commands in the
// same menus with the same values, meaning.ts) must pass (a failure would come back as `skipped`); the
// formatted text builds the same firewall model (rules, order, lists; positions and the spelling of
// wrapped strings aside); and formatting it again changes nothing. Files with syntax errors come back
// unchanged. The default options run over every file, the other option sets over every 5th file (the
// whole corpus three times is minutes on this machine). Skips without ../shared/corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatScript, type FormatOptions } from '../../server/src/format/format';
import { parse } from '../../server/src/parser';
import { modelKey } from './helpers';

const corpus = path.join(__dirname, '..', '..', '..', 'shared', 'corpus', 'files');
const skip = !fs.existsSync(corpus) && 'no ../shared/corpus';

function files(): string[] {
  return fs.readdirSync(corpus).filter((f) => f.endsWith('.rsc')).sort();
}

for (const [label, options, every] of [
  ['default', {}, 1],
  ['slashed paths, width 100', { pathStyle: 'slashed', width: 100 }, 5],
  ['spaced paths, no headers, width 60', { pathStyle: 'spaced', headers: false, width: 60 }, 5],
] as [string, FormatOptions, number][]) {
  test(`corpus: formatting (${label}) keeps meaning, model, and is idempotent`, { skip }, () => {
    let formatted = 0;
    let changed = 0;
    let skippedSyntax = 0;
    const failures: string[] = [];
    for (const f of files().filter((_, i) => i % every === 0)) {
      const text = fs.readFileSync(path.join(corpus, f), 'utf8');
      const r = formatScript(text, options);
      if (r.skipped) {
        if (parse(text).errors.length > 0) {
          skippedSyntax++;
          if (r.text !== text) failures.push(`${f}: skipped but changed`);
          continue;
        }
        failures.push(`${f}: ${r.skipped}`);
        continue;
      }
      formatted++;
      if (r.changed) changed++;
      const again = parse(r.text);
      if (again.errors.length > 0) failures.push(`${f}: formatted text has a syntax error: ${again.errors[0].message} at ${again.errors[0].range.start.line + 1}`);
      else if (modelKey(r.text) !== modelKey(text)) failures.push(`${f}: model differs`);
      const twice = formatScript(r.text, options);
      if (twice.text !== r.text) failures.push(`${f}: not idempotent`);
    }
    console.log(`format (${label}): ${formatted} formatted (${changed} changed), ${skippedSyntax} skipped for syntax errors`);
    assert.deepEqual(failures, []);
    assert.ok(formatted > 300 / every, `only ${formatted} files formatted`);
  });
}
