// Subcommands of `rsc-lint` besides linting (`rsc-lint simulate ...`, `rsc-lint knock ...`).
//
// To add one: create server/src/cli/<name>.ts exporting `command: Subcommand`, and add <name> to
// SUBCOMMAND_NAMES. The module is loaded lazily through a glob-style dynamic import, which esbuild
// bundles with every `server/src/cli/*.ts` that exists at build time; a name whose file does not
// exist simply is not available (the first argument is then treated as a path, as before).

import type { CliIO } from './io';

export interface Subcommand {
  name: string;
  /** One line for `rsc-lint --help`. */
  summary: string;
  /** Runs with the arguments after the subcommand name; resolves to the exit status. */
  run(args: string[], io: CliIO): Promise<number> | number;
}

/** Names that may be subcommands, in the order `--help` lists them. */
export const SUBCOMMAND_NAMES: readonly string[] = ['simulate', 'knock', 'map', 'format', 'diff', 'assert'];

/** The subcommand `name`, or undefined when it is not a known name or its module is not built in. */
export async function loadSubcommand(name: string): Promise<Subcommand | undefined> {
  if (!SUBCOMMAND_NAMES.includes(name)) return undefined;
  let mod: { command?: Subcommand; default?: Subcommand };
  try {
    mod = await import(`./${name}.ts`);
  } catch (e) {
    // Missing module: not available in this build. Anything else is a real error in the module.
    const code = (e as { code?: string }).code;
    const msg = e instanceof Error ? e.message : String(e);
    const missing =
      code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Module not found in bundle|Cannot find module/i.test(msg);
    if (missing && msg.includes(`${name}.ts`)) {
      return undefined;
    }
    throw e;
  }
  const cmd = mod.command ?? mod.default;
  return cmd && typeof cmd.run === 'function' ? cmd : undefined;
}

/** The subcommands available in this build, for `--help`. */
export async function availableSubcommands(): Promise<Subcommand[]> {
  const out: Subcommand[] = [];
  for (const n of SUBCOMMAND_NAMES) {
    const c = await loadSubcommand(n);
    if (c) out.push(c);
  }
  return out;
}
