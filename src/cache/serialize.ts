import type { LayerAnalysis } from "../layers/types.js";

/**
 * Bump when the stored shape changes in a way the generic encoding below
 * does not absorb; entries of another version are ignored (and evicted).
 */
export const CACHE_FORMAT_VERSION = 2;

interface Envelope {
  vigilLayerCache: number;
  analyzers: string;
  diffId: string;
  analysis: unknown;
}

/**
 * note: generic on purpose. Every field of LayerAnalysis is stored, whatever
 * it is: Maps and Sets become tagged entry arrays, Buffers base64, undefined kept, so a field
 * added to LayerAnalysis is cached without touching this file. A value JSON
 * cannot carry (a function, a bigint) makes the encode throw, and
 * serialize.test.ts fails for any field that does not come back equal.
 */
export function encodeAnalysis(analysis: LayerAnalysis, analyzers: string): string {
  const envelope: Envelope = {
    vigilLayerCache: CACHE_FORMAT_VERSION,
    analyzers,
    diffId: analysis.diffId,
    analysis: toPlain(analysis),
  };
  return JSON.stringify(envelope);
}

/** The analysis, or undefined when the text is not an entry of this version and analyzer set. */
export function decodeAnalysis(
  text: string,
  diffId: string,
  analyzers: string,
): LayerAnalysis | undefined {
  let envelope: Envelope;
  try {
    envelope = JSON.parse(text) as Envelope;
  } catch {
    return undefined;
  }
  if (
    envelope?.vigilLayerCache !== CACHE_FORMAT_VERSION ||
    envelope.analyzers !== analyzers ||
    envelope.diffId !== diffId
  ) {
    return undefined;
  }
  const analysis = fromPlain(envelope.analysis) as LayerAnalysis;
  return analysis?.diffId === diffId ? analysis : undefined;
}

const TAG = "$vigil";

function toPlain(value: unknown): unknown {
  // JSON drops undefined; kept, an optional field reads back exactly as it was.
  if (value === undefined) return { [TAG]: "undefined" };
  if (value === null || typeof value !== "object") {
    if (typeof value === "function" || typeof value === "bigint" || typeof value === "symbol") {
      throw new TypeError(`layer cache: cannot store a ${typeof value}`);
    }
    return value;
  }
  if (value instanceof Map) {
    return { [TAG]: "map", entries: [...value].map(([k, v]) => [toPlain(k), toPlain(v)]) };
  }
  if (value instanceof Set) return { [TAG]: "set", values: [...value].map(toPlain) };
  if (Buffer.isBuffer(value)) return { [TAG]: "buffer", base64: value.toString("base64") };
  if (value instanceof Date) return { [TAG]: "date", iso: value.toISOString() };
  if (Array.isArray(value)) return value.map(toPlain);

  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
  return out;
}

function fromPlain(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(fromPlain);

  const obj = value as Record<string, unknown>;
  switch (obj[TAG]) {
    case "map":
      return new Map(
        (obj.entries as [unknown, unknown][]).map(([k, v]) => [fromPlain(k), fromPlain(v)]),
      );
    case "set":
      return new Set((obj.values as unknown[]).map(fromPlain));
    case "buffer":
      return Buffer.from(obj.base64 as string, "base64");
    case "date":
      return new Date(obj.iso as string);
    case "undefined":
      return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = fromPlain(v);
  return out;
}

/**
 * A layer's analysis names its own position (`index`, and `layer` in its
 * warnings and anything else that points back at it). The same layer may sit
 * at another position in another image, so every such number is moved.
 */
export function moveToIndex(analysis: LayerAnalysis, index: number): LayerAnalysis {
  const from = analysis.index;
  if (from === index) return analysis;

  const visit = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    if (value instanceof Map) {
      for (const v of value.values()) visit(v);
      return;
    }
    if (Array.isArray(value) || value instanceof Set) {
      for (const v of value) visit(v);
      return;
    }
    if (Buffer.isBuffer(value)) return;
    const obj = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      if (k === "layer" && v === from) obj[k] = index;
      else visit(v);
    }
  };
  visit(analysis);
  analysis.index = index;
  return analysis;
}
