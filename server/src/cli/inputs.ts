// Turning command-line operands into texts to lint: files, directories searched recursively for
// `*.rsc`, and `-` for standard input. Every failure becomes a CliError with a message that says what
// to do; nothing here prints a stack trace.

import { inputTooLarge } from '../limits';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CliError, type CliIO } from './io';

export interface Input {
  /** The name printed in reports: the operand as given, or operand/relative for files found in a directory. */
  display: string;
  /** Absolute path; undefined for standard input. */
  absolute?: string;
}

export interface LoadedInput extends Input {
  text: string;
}

/** Display name of standard input. */
export const STDIN_NAME = '<stdin>';

/** Directories never searched when walking a directory operand. */
const SKIP_DIRS = new Set(['node_modules']);

function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory (check the path)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (check the file permissions)';
    case 'ENOTDIR':
      return 'a part of the path is not a directory (check the path)';
    case 'ELOOP':
      return 'too many symbolic links (check for a link loop)';
    case 'EISDIR':
      return 'is a directory';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files (lint fewer files at once)';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function isRsc(name: string): boolean {
  return name.toLowerCase().endsWith('.rsc');
}

async function walk(dir: string, display: string, out: Input[], seenDirs: Set<string>): Promise<void> {
  let real: string;
  try {
    real = await fs.realpath(dir);
  } catch (e) {
    throw new CliError(`cannot read ${display}: ${reason(e)}`);
  }
  if (seenDirs.has(real)) return; // a symbolic link loop or the same tree twice
  seenDirs.add(real);
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new CliError(`cannot read directory ${display}: ${reason(e)}`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const ent of entries) {
    const abs = path.join(dir, ent.name);
    const disp = path.join(display, ent.name);
    let isDir = ent.isDirectory();
    let isFile = ent.isFile();
    if (ent.isSymbolicLink()) {
      try {
        const st = await fs.stat(abs);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        continue; // dangling link inside a searched directory: not an operand the user named, skip it
      }
    }
    if (isDir) {
      if (SKIP_DIRS.has(ent.name) || ent.name.startsWith('.')) continue;
      await walk(abs, disp, out, seenDirs);
    } else if (isFile && isRsc(ent.name)) {
      out.push({ display: disp, absolute: abs });
    }
  }
}

/**
 * Resolves the operands to inputs in operand order (files found in a directory sorted by path).
 * Throws CliError for a missing path. Duplicate files (the same file named twice) are linted once.
 * `notes` receives one-line remarks that are not errors (a directory without .rsc files).
 */
export async function resolveInputs(operands: string[], io: CliIO, notes: string[] = []): Promise<Input[]> {
  const out: Input[] = [];
  const seenFiles = new Set<string>();
  let stdinSeen = false;
  for (const op of operands) {
    if (op === '-') {
      if (!stdinSeen) out.push({ display: STDIN_NAME });
      stdinSeen = true;
      continue;
    }
    const abs = path.resolve(io.cwd, op);
    let st;
    try {
      st = await fs.stat(abs);
    } catch (e) {
      throw new CliError(`cannot read ${op}: ${reason(e)}`);
    }
    if (st.isDirectory()) {
      const found: Input[] = [];
      await walk(abs, path.normalize(op), found, new Set());
      if (found.length === 0) notes.push(`no .rsc files found in ${op}`);
      for (const f of found) {
        if (seenFiles.has(f.absolute!)) continue;
        seenFiles.add(f.absolute!);
        out.push(f);
      }
    } else {
      if (seenFiles.has(abs)) continue;
      seenFiles.add(abs);
      out.push({ display: op, absolute: abs });
    }
  }
  return out;
}

/**
 * Decodes a script file. RouterOS exports are usually UTF-8, but hand-written scripts may be Latin-1 or
 * CP1251: invalid UTF-8 sequences become U+FFFD (positions then refer to the decoded text). A UTF-8
 * BOM is dropped, as editors do; a UTF-16 BOM selects UTF-16.
 */
export function decodeScript(buf: Uint8Array): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf);
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf);
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(buf);
}

/** Reads every input. All read errors are collected and thrown together as one CliError. */
export async function loadInputs(inputs: Input[], io: CliIO): Promise<LoadedInput[]> {
  const loaded: LoadedInput[] = [];
  const errors: string[] = [];
  for (const inp of inputs) {
    try {
      const buf = inp.absolute === undefined ? await io.readStdin() : await fs.readFile(inp.absolute);
      const tooBig = inputTooLarge(buf.length, inp.display);
      if (tooBig) {
        errors.push(tooBig);
        continue;
      }
      loaded.push({ ...inp, text: decodeScript(buf) });
    } catch (e) {
      errors.push(`cannot read ${inp.display}: ${reason(e)}`);
    }
  }
  if (errors.length > 0) throw new CliError(errors.join('\nrsc-lint: '));
  return loaded;
}
