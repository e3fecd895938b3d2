// `.rsc-lint.json` for the language server: binds the pure loader (./lintConfig.ts) to node:fs for
// documents with a file: URI. Read on each lint (a few small reads up the folder chain), so an edited
// config applies from the next keystroke; a bad config is logged once per message and ignored.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LintOptions } from './lint';
import { ConfigError, ConfigResolver } from './lintConfig';

export { mergeLintOptions } from './lintConfig';

const reported = new Set<string>();

/**
 * Reads one candidate `.rsc-lint.json` for ConfigResolver (the CLI's commands and the server alike): undefined
 * when there is none (missing, or a path through a file); with `quiet` (the server) also when it cannot be read.
 */
export function readConfigFile(f: string, quiet = false): string | undefined {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || (quiet && code === 'EACCES')) return undefined;
    throw e;
  }
}

/** The lint options the nearest `.rsc-lint.json` of a document sets, or undefined (none, not a file, bad). */
export function projectConfigOptions(uri: string, logError: (message: string) => void): LintOptions | undefined {
  if (!uri.startsWith('file:')) return undefined;
  let file: string;
  try {
    file = fileURLToPath(uri);
  } catch {
    return undefined;
  }
  const resolver = new ConfigResolver({ readFile: (f) => readConfigFile(f, true) });
  try {
    return resolver.forFile(file)?.optionsFor(file);
  } catch (e) {
    const msg = e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e);
    if (!reported.has(msg)) {
      reported.add(msg);
      logError(`.rsc-lint.json ignored: ${msg}`);
    }
    return undefined;
  }
}
