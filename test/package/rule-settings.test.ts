// The `routeros.rules` setting offers every rule id of the registry, with its description (issue 13: the settings
// editor completes rule ids). Regenerate with `npx tsx scripts/gen-rule-settings.ts`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { packageJsonPath, ruleSettingProperties } from '../../scripts/gen-rule-settings';

test('package.json routeros.rules lists exactly the registry\'s rule ids (run scripts/gen-rule-settings.ts)', () => {
  const pkg = JSON.parse(readFileSync(packageJsonPath(), 'utf8'));
  const setting = pkg.contributes.configuration.properties['routeros.rules'];
  assert.deepEqual(setting.properties, ruleSettingProperties());
  // Unknown keys stay allowed by the schema's shape (a newer rule id in a shared settings file is not an error
  // in the editor; the server reports unknown ids itself).
  assert.equal(setting.additionalProperties.type, 'string');
});
