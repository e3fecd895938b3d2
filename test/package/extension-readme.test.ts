// The Marketplace README (docs/extension/README.md, packed as the .vsix README) names every command the extension
// contributes and every setting, and the images it shows exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const readme = readFileSync(join(root, 'docs', 'extension', 'README.md'), 'utf8');

test('extension README: every contributed command title and setting is described, images exist', () => {
  for (const c of pkg.contributes.commands as Array<{ title: string }>) {
    assert.ok(readme.includes(`RouterOS: ${c.title}`), `command "${c.title}" is not in docs/extension/README.md`);
  }
  for (const key of Object.keys(pkg.contributes.configuration.properties)) {
    if (key === 'routeros.trace.server') continue; // a developer setting
    const stem = key.replace(/\.[^.]+$/, '.');
    assert.ok(readme.includes(`\`${key}\``) || readme.includes(`\`${stem}*\``) || readme.includes(key.split('.').pop()!), `setting ${key} is not in the extension README`);
  }
  for (const m of readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) assert.ok(existsSync(join(root, m[1])), `missing image ${m[1]}`);
  assert.ok(existsSync(join(root, pkg.icon)), 'the icon exists');
});
