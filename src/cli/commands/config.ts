import type { Command } from "commander";
import { SEVERITIES, type Severity } from "../../match/types.js";
import { scanDockerfile } from "../../misconfig/dockerfile/scan.js";
import type { MisconfigFinding } from "../../misconfig/types.js";
import { renderMisconfigTable } from "../../report/table.js";
import { parseExitCode, parseFormat, parseSeverities } from "../options.js";
import { checkWritable, emit } from "./image.js";

interface ConfigOptions {
  format: "table" | "json";
  output?: string;
  severity?: Severity[];
  exitCode: number;
}

/** `vigil config Dockerfile`: the Dockerfile checks, without an image. */
export function registerConfigCommand(program: Command): void {
  program
    .command("config")
    .description("check a Dockerfile for misconfigurations (root user, ADD of URLs, curl | sh, …)")
    .argument("<dockerfile>", "the Dockerfile to check")
    .option(
      "-f, --format <format>",
      "table or json",
      parseFormat(["table", "json"] as const),
      "table",
    )
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("-s, --severity <list>", "only these severities, comma-separated", parseSeverities)
    .option("--exit-code <n>", "exit with this code when anything is reported", parseExitCode, 0)
    .action(async (file: string, opts: ConfigOptions) => {
      if (opts.output) await checkWritable(opts.output);
      const wanted = new Set(opts.severity ?? SEVERITIES);
      const found = (await scanDockerfile(file)).filter((m) => wanted.has(m.severity));

      await emit(render(file, found, opts), opts.output);
      if (found.length > 0 && opts.exitCode !== 0) process.exitCode = opts.exitCode;
    });
}

function render(file: string, found: MisconfigFinding[], opts: ConfigOptions): string {
  if (opts.format === "json") {
    return `${JSON.stringify({ schema: "vigil.config-report/v1", file, misconfigurations: found }, null, 2)}\n`;
  }
  const color = !opts.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
  return `${file}\n${renderMisconfigTable(found, { color }).join("\n")}\n`;
}
