import { Writable } from "node:stream";
import pc from "picocolors";
import { destination, pino, type Logger } from "pino";
import { printable } from "./util/text.js";

export type { Logger } from "pino";

export interface LogOptions {
  level?: string;
  /** `text` for people (default), `json` for log collectors. */
  format?: "text" | "json";
}

/**
 * Logs go to stderr so stdout carries only the report. Text lines read like
 * `vigil warn: message key=value`; JSON lines are pino's own.
 */
export const LOG_LEVELS = ["error", "warn", "info", "debug", "trace", "silent"] as const;

export function createLogger(opts: LogOptions = {}): Logger {
  const level = opts.level ?? "warn";
  if (opts.format === "json") return pino({ level }, destination(2));
  return pino({ level, base: undefined, timestamp: false }, new TextLines());
}

/** A logger that drops everything: for library callers and tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

const LEVELS: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warn",
  50: "error",
  60: "fatal",
};

class TextLines extends Writable {
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() !== "") process.stderr.write(`${format(line)}\n`);
    }
    done();
  }
}

function format(line: string): string {
  const { level, msg, ...fields } = JSON.parse(line) as Record<string, unknown>;
  const name = LEVELS[Number(level)] ?? "log";
  const colored = name === "warn" ? pc.yellow(name) : name === "error" ? pc.red(name) : name;
  const extra = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  const details = extra ? ` ${pc.dim(printable(extra))}` : "";
  return `vigil ${colored}: ${printable(String(msg ?? ""))}${details}`;
}
