import { InvalidArgumentError } from "commander";
import { SEVERITIES, type Severity } from "../match/types.js";

export function parseSeverities(text: string): Severity[] {
  const list = text.split(",").map((s) => s.trim().toUpperCase());
  for (const s of list) {
    if (!(SEVERITIES as readonly string[]).includes(s)) {
      throw new InvalidArgumentError(`"${s}" is not one of ${SEVERITIES.join(", ")}`);
    }
  }
  return list as Severity[];
}

/** A comma-separated subset of `allowed`, each named once. */
export function parseList<T extends string>(allowed: readonly T[]): (text: string) => T[] {
  return (text) => {
    const list = text.split(",").map((s) => s.trim().toLowerCase());
    for (const s of list) {
      if (!(allowed as readonly string[]).includes(s)) {
        throw new InvalidArgumentError(`"${s}" is not one of ${allowed.join(", ")}`);
      }
    }
    return [...new Set(list)] as T[];
  };
}

export function parseExitCode(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 255) {
    throw new InvalidArgumentError("must be a whole number from 0 to 255");
  }
  return n;
}

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `500M`, `16G`, `1073741824`: sizes as people write them. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw new InvalidArgumentError("expected a size such as 512M or 16G");
  return Math.floor(Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number));
}

export function parseFormat<T extends string>(allowed: readonly T[]) {
  return (text: string): T => {
    if (!(allowed as readonly string[]).includes(text)) {
      throw new InvalidArgumentError(`expected one of ${allowed.join(", ")}`);
    }
    return text as T;
  };
}
