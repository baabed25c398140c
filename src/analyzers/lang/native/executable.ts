// Which files the native-binary analyzers (Go, Rust) look at: executables,
// whatever they are called, whose first bytes are an ELF, PE or Mach-O
// header. Shared libraries are left out by name: they are rarely Go or Rust
// programs, and some distributions mark hundreds of them executable.
import type { EntryFacts } from "../../types.js";
import { objectFormat } from "./object-file.js";

/** Smaller than any linked program: scripts and stubs are not worth the head check. */
const MIN_BINARY_BYTES = 1024;
/** Binaries bigger than this are skipped with a warning (spilled to disk below it). */
export const MAX_BINARY_BYTES = 2 * 1024 ** 3;

const SHARED_LIBRARY = /\.so(?:\.[\d.]+)?$/;

export function isExecutableEntry(entry: EntryFacts): boolean {
  return (
    (entry.mode & 0o111) !== 0 && entry.size >= MIN_BINARY_BYTES && !SHARED_LIBRARY.test(entry.path)
  );
}

export const isWindowsExecutable = (path: string): boolean => /\.exe$/i.test(path);

export const hasObjectHeader = (head: Buffer): boolean => objectFormat(head) !== undefined;

/**
 * The part of a native-binary analyzer that says which files it reads (any
 * executable with an object header, or an `.exe`), read by random access.
 */
export const executableClaims = {
  access: "random",
  maxBytes: MAX_BINARY_BYTES,
  claims: isWindowsExecutable,
  claimsEntry: isExecutableEntry,
  claimsHead: hasObjectHeader,
} as const;
