// Input limits shared by the CLI and the language server (pure: no I/O).
//
// The parse holds the tokens and the tree of a file at once: about 15 bytes of heap per byte of input
// at its peak (bench/parser.ts reports the figure), and Node's default heap is 2-4 GB, so a 200 MB file
// used to abort Node out of memory after minutes. Files above MAX_INPUT_BYTES are refused with a clear
// message instead (the CLI exits 2); the largest real export in the corpus is 1.6 MB.

/** Largest script accepted, in bytes (32 MiB). */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

/** The message for an input of `bytes` bytes that is over the limit, or undefined when it is not. */
export function inputTooLarge(bytes: number, name: string): string | undefined {
  if (bytes <= MAX_INPUT_BYTES) return undefined;
  const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
  return `${name} is too large to lint (${mb(bytes)}; the limit is ${mb(MAX_INPUT_BYTES)}): split it into smaller files`;
}
