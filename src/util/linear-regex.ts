import { createRequire } from "node:module";
import type RE2Type from "re2";

const RE2 = createRequire(import.meta.url)("re2") as typeof RE2Type;

/**
 * A regular expression that runs on RE2: linear time whatever the input, for
 * patterns applied to text that comes from an image. RE2 syntax: no
 * lookaround, no backreferences, repetition counts up to 1000.
 */
export function linearRegex(source: string, flags = ""): RE2Type {
  return new RE2(source, flags);
}
