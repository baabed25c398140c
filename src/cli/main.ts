import { Command, CommanderError } from "commander";
import { VIGIL_VERSION } from "../about.js";
import { describeError } from "../errors.js";
import { printable } from "../util/text.js";
import { registerCacheCommands } from "./commands/cache.js";
import { registerConfigCommand } from "./commands/config.js";
import { registerDbCommands } from "./commands/db.js";
import { registerDiffCommand } from "./commands/diff.js";
import { registerImageCommand } from "./commands/image.js";
import { registerPolicyCommands } from "./commands/policy.js";
import { registerSbomCommand } from "./commands/sbom.js";

/** Exit codes: 0 pass, 1 policy denied (or --exit-code N), 2 error. Documented in the README. */
export const EXIT_ERROR = 2;

export async function main(argv: string[]): Promise<void> {
  // `vigil image … | head` closes stdout early: that is not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });

  const program = new Command("vigil")
    .description("Scan container images for packages and known vulnerabilities")
    .version(VIGIL_VERSION, "-v, --version")
    // Usage errors read like every other error: one line, `vigil: error: …`.
    .configureOutput({ outputError: (text, write) => write(`vigil: ${printable(text.trim())}\n`) })
    // Options after a subcommand belong to it (`sbom scan FILE -f json`).
    .enablePositionalOptions()
    .exitOverride();

  registerImageCommand(program);
  registerDbCommands(program);
  registerSbomCommand(program);
  registerCacheCommands(program);
  registerConfigCommand(program);
  registerPolicyCommands(program);
  registerDiffCommand(program);

  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end through here with code 0.
    return err.exitCode === 0 ? 0 : EXIT_ERROR;
  }
  console.error(`vigil: error: ${printable(describeError(err))}`);
  // One line for the user; the stack only for whoever debugs vigil itself.
  if (process.env.VIGIL_DEBUG && err instanceof Error && err.stack) console.error(err.stack);
  return EXIT_ERROR;
}
