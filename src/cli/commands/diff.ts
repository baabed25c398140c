import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { VigilError } from "../../errors.js";
import { createLogger } from "../../log.js";
import { JSON_SCHEMA } from "../../report/json.js";
import { selectReport, type ScanResult } from "../../report/model.js";
import { deniedAdditions, diffScans, renderDiffJson, renderDiffText } from "../../report/diff.js";
import { scanResultOf } from "../../report/read-json.js";
import { checkWritable, emit } from "../output.js";
import { addLayerCacheOptions } from "./cache.js";
import { addReportOptions, runScan, type ImageOptions } from "./image.js";
import { applyPolicy, EXIT_DENIED, loadPolicyFlags } from "./policy.js";

const DIFF_FORMATS = ["table", "json", "markdown"];

export function registerDiffCommand(program: Command): void {
  const diff = program
    .command("diff")
    .description("what NEW adds, removes and keeps of OLD: packages and findings")
    .argument("<old>", "an image reference, or a saved vigil JSON report")
    .argument("<new>", "an image reference, or a saved vigil JSON report")
    .addHelpText(
      "after",
      `
Formats: ${DIFF_FORMATS.join(", ")}. With --policy, exits 1 only when a finding NEW adds is
denied; without one, --exit-code N exits N when NEW adds any finding.`,
    );
  addLayerCacheOptions(addReportOptions(diff)).action((a: string, b: string, opts: ImageOptions) =>
    runDiff(a, b, opts),
  );
}

async function runDiff(oldRef: string, newRef: string, opts: ImageOptions): Promise<void> {
  if (!DIFF_FORMATS.includes(opts.format)) {
    throw new VigilError(
      "BAD_OPTION",
      `vigil diff writes ${DIFF_FORMATS.join(", ")}, not ${opts.format}`,
    );
  }
  if (opts.output) await checkWritable(opts.output);
  const policy = await loadPolicyFlags(opts);
  const log = createLogger({ level: opts.quiet ? "error" : opts.logLevel, format: opts.logFormat });

  const judged: ScanResult[] = [];
  for (const ref of [oldRef, newRef]) {
    const scanned = (await savedReport(ref)) ?? (await runScan(ref, opts, log));
    const selected = selectReport(scanned, {
      severities: opts.severity,
      ignoreUnfixed: opts.ignoreUnfixed,
    });
    const { result, findings } = await applyPolicy(selected, policy);
    judged.push({ ...result, findings });
  }

  const diff = diffScans(judged[0] as ScanResult, judged[1] as ScanResult);
  const text =
    opts.format === "json"
      ? renderDiffJson(diff)
      : renderDiffText(diff, opts.format === "markdown");
  await emit(text, opts.output);

  const gate = opts.policy
    ? deniedAdditions(diff).length > 0 && (opts.exitCode || EXIT_DENIED)
    : diff.findings.added.length > 0 && opts.exitCode;
  if (gate) process.exitCode = gate;
}

/** A file holding a vigil JSON report is read, not scanned. */
async function savedReport(ref: string): Promise<ScanResult | undefined> {
  if (!ref.endsWith(".json")) return undefined;
  const text = await readFile(ref, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  // A .json file is a saved report or a mistake; read as an image it would only say "bad tar".
  const notReport = (why: string) =>
    new VigilError("BAD_REPORT", `${ref} is not a vigil JSON report: ${why}`, {
      hint: "vigil diff compares images, or reports `vigil image --format json` wrote for one platform",
    });
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw notReport((err as Error).message);
  }
  if (report?.schema !== JSON_SCHEMA) {
    const schema = typeof report?.schema === "string" ? `schema ${report.schema}` : "no schema";
    throw notReport(`${schema}, not ${JSON_SCHEMA}`);
  }
  return scanResultOf(report);
}
