// The walkthrough (issue 13, "the first hour"): every step's media ships, every command it links to exists, and
// the example it opens is in the package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');

/** VS Code's own commands the walkthrough links to. */
const BUILTIN = new Set(['workbench.actions.view.problems', 'editor.action.sourceAction', 'workbench.action.openSettings']);

test('walkthrough: media exist and ship, commands exist, the example ships', () => {
  const [w] = pkg.contributes.walkthroughs;
  assert.equal(w.steps.length, 5);
  const ours = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  for (const step of w.steps) {
    const media = step.media.markdown as string;
    assert.ok(existsSync(join(root, media)), `missing ${media}`);
    for (const m of step.description.matchAll(/\(command:([\w.]+)/g)) {
      assert.ok(ours.has(m[1]) || BUILTIN.has(m[1]), `step ${step.id} links to unknown command ${m[1]}`);
    }
  }
  assert.match(ignore, /^!media\/walkthrough\/\*\.md$/m);
  assert.match(ignore, /^!examples\/\*\.rsc$/m);
  assert.ok(existsSync(join(root, 'examples', 'knock-broken.rsc')));
});
