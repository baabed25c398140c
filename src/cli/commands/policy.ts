import { readFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { VigilError } from "../../errors.js";
import type { Finding } from "../../match/types.js";
import { DEFAULT_POLICY_NAME, DEFAULT_POLICY_YAML } from "../../policy/default-policy.js";
import type { PolicyInput } from "../../policy/evaluate.js";
import type { PolicyOutcome } from "../../policy/types.js";
import { REPORT_FORMATS, type ReportFormat } from "../../report/formats.js";
import { shownReport, type ScanResult } from "../../report/model.js";
import { parseExitCode, parseFormat } from "../options.js";
import { emit } from "../output.js";

/** `vigil image` exits 1 when the policy denies (or `--exit-code N` instead). */
export const EXIT_DENIED = 1;

export interface PolicyFlags {
  policy?: string;
  exceptions?: string[];
  vex?: string[];
  template?: string;
  format: ReportFormat;
  exitCode: number;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addPolicyOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--policy <file>",
        `policy file (YAML, CEL rules); "${DEFAULT_POLICY_NAME}" for the built-in one`,
      ).env("VIGIL_POLICY"),
    )
    .option(
      "--exceptions <file>",
      "exceptions file (owner, reason, scope, expiry); repeatable",
      collect,
    )
    .option("--vex <file>", "OpenVEX or CycloneDX VEX document; repeatable", collect)
    .option("--template <file>", "render with a Handlebars template over the JSON report");
}

/** `--format` and `--output`, alike for `vigil image`, `sbom scan` and `policy test`. */
export function addFormatOptions(cmd: Command): Command {
  return cmd
    .option(
      "-f, --format <format>",
      `report format: ${REPORT_FORMATS.join(", ")}`,
      parseFormat(REPORT_FORMATS),
      "table",
    )
    .option("-o, --output <file>", "write the report to a file instead of stdout");
}

/** Reads what was given; undefined when neither a policy, exceptions nor VEX was. */
export async function loadPolicyFlags(flags: PolicyFlags): Promise<PolicyInput | undefined> {
  if (!flags.policy && !flags.exceptions?.length && !flags.vex?.length) return undefined;
  // The policy engine (CEL, schemas) loads only when a scan uses it.
  const [{ loadPolicy }, { loadExceptions }, { loadVex }] = await Promise.all([
    import("../../policy/policy-file.js"),
    import("../../policy/exceptions.js"),
    import("../../policy/vex.js"),
  ]);
  const policy = flags.policy ? await loadPolicy(flags.policy) : undefined;
  const exceptions = (await Promise.all((flags.exceptions ?? []).map(loadExceptions))).flat();
  const vex = await Promise.all((flags.vex ?? []).map(loadVex));
  return { policy, exceptions, vex };
}

export async function readTemplate(
  flags: PolicyFlags,
): Promise<{ name: string; text: string } | undefined> {
  if (flags.template === undefined) {
    if (flags.format !== "template") return undefined;
    throw new VigilError("BAD_OPTION", "--format template needs --template FILE");
  }
  if (flags.format !== "template" && flags.format !== "table") {
    throw new VigilError(
      "BAD_OPTION",
      `--template and --format ${flags.format} exclude each other`,
    );
  }
  flags.format = "template";
  try {
    return { name: flags.template, text: await readFile(flags.template, "utf8") };
  } catch (err) {
    throw new VigilError("NOT_FOUND", `--template ${flags.template} cannot be read`, {
      cause: err,
    });
  }
}

/** The report with the policy's verdicts; `reported` counts what no decision ignored. */
export async function applyPolicy(
  selected: { result: ScanResult; findings: Finding[]; reported: number },
  input: PolicyInput | undefined,
): Promise<{ result: ScanResult; findings: Finding[]; reported: number }> {
  if (!input) return selected;
  const { evaluatePolicy } = await import("../../policy/evaluate.js");
  const policy = evaluatePolicy({ ...selected.result, findings: selected.findings }, input);
  const result = { ...selected.result, policy };
  const shown = shownReport(result, selected.findings);
  const reported =
    shown.findings.length +
    (shown.result.inventory.secrets?.length ?? 0) +
    (shown.result.misconfigurations?.length ?? 0) +
    (shown.result.licenses?.length ?? 0);
  return { result, findings: selected.findings, reported };
}

/**
 * With a policy, it decides: 0 when nothing is denied, else 1 (or
 * `--exit-code N`, for pipelines that expect N). Without one, `--exit-code N`
 * is N when anything is reported that no exception or VEX statement ignored.
 */
export function exitCodeFor(
  outcome: PolicyOutcome | undefined,
  reported: number,
  flags: Pick<PolicyFlags, "exitCode">,
): number {
  if (outcome?.policy !== undefined) {
    return outcome.passed ? 0 : flags.exitCode || EXIT_DENIED;
  }
  return reported > 0 ? flags.exitCode : 0;
}

interface PolicyTestOptions extends PolicyFlags {
  output?: string;
}

export function registerPolicyCommands(program: Command): void {
  const policy = program
    .command("policy")
    .description("write and try policies: evaluate one against a saved report");

  const test = addFormatOptions(
    policy
      .command("test")
      .description("evaluate a policy against a saved JSON report (vigil image --format json)")
      .argument("<report>", "a vigil JSON report"),
  ).option(
    "--exit-code <n>",
    "exit with this code instead of 1 when the policy denies",
    parseExitCode,
    0,
  );
  addPolicyOptions(test).action(async (file: string, opts: PolicyTestOptions) => {
    if (!opts.policy) opts.policy = DEFAULT_POLICY_NAME;
    const input = await loadPolicyFlags(opts);
    const template = await readTemplate(opts);
    const { readJsonReport } = await import("../../report/read-json.js");
    const { renderReport } = await import("../../report/render.js");
    const saved = await readJsonReport(file);
    const { result, findings, reported } = await applyPolicy(
      { result: saved, findings: saved.findings, reported: 0 },
      input,
    );
    await emit(
      renderReport(opts.format, result, findings, { color: false, template }),
      opts.output,
    );
    const code = exitCodeFor(result.policy, reported, opts);
    if (code !== 0) process.exitCode = code;
  });

  policy
    .command("show")
    .description("print the built-in default policy, a start for your own")
    .action(() => {
      process.stdout.write(DEFAULT_POLICY_YAML);
    });
}
