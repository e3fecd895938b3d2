// Writes the rule ids into package.json's `routeros.rules` setting (one property per id, with its description and
// default severity) so the settings editor and settings.json offer them with completion. Generated from the check
// registry; test/package/rule-settings.test.ts fails when package.json is out of date.
//   npx tsx scripts/gen-rule-settings.ts          rewrite package.json
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleInfos } from '../server/src/lint';

const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'];

/** The `properties` of `routeros.rules`, in registry order. */
export function ruleSettingProperties(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of ruleInfos()) {
    out[r.id] = {
      type: 'string',
      enum: SEVERITIES,
      markdownDescription: `${r.description} (default: \`${r.defaultSeverity}\`)`,
    };
  }
  return out;
}

export function packageJsonPath(): string {
  return join(__dirname, '..', 'package.json');
}

if (require.main === module) {
  const path = packageJsonPath();
  const pkg = JSON.parse(readFileSync(path, 'utf8'));
  pkg.contributes.configuration.properties['routeros.rules'].properties = ruleSettingProperties();
  writeFileSync(path, JSON.stringify(pkg, null, 2) + '\n');
  console.log(`package.json: routeros.rules lists ${Object.keys(ruleSettingProperties()).length} rule ids`);
}
