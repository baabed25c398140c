// The options of the commands that read images, for images in a registry.
import { InvalidArgumentError, type Command } from "commander";

import { VigilError } from "../errors.js";
import type { RegistryOptions } from "../source/types.js";

export interface RegistryFlags {
  username?: string;
  passwordStdin?: boolean;
  insecure?: boolean;
  caFile?: string;
  registryTimeout?: number;
  registryRetries?: number;
}

function seconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected seconds above 0");
  return n;
}

function retries(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return n;
}

export function addRegistryOptions(cmd: Command): Command {
  return cmd
    .option("--username <name>", "registry user (else VIGIL_REGISTRY_USERNAME, or docker login)")
    .option("--password-stdin", "read the registry password from standard input")
    .option("--insecure", "allow plain HTTP and unverified TLS for any registry")
    .option("--ca-file <file>", "PEM CA certificates to trust for registries (beside the system's)")
    .option("--registry-timeout <seconds>", "longest wait for a registry (default 30)", seconds)
    .option("--registry-retries <n>", "retries on 429, 5xx and dropped connections (3)", retries);
}

/** The options as the source wants them; the password comes from stdin, once. */
export async function registryFrom(flags: RegistryFlags): Promise<RegistryOptions> {
  if (flags.passwordStdin && !flags.username) {
    throw new VigilError("BAD_OPTION", "--password-stdin needs --username");
  }
  const password = flags.passwordStdin
    ? await readStdin()
    : flags.username
      ? process.env.VIGIL_REGISTRY_PASSWORD
      : undefined;
  if (flags.username && password === undefined) {
    throw new VigilError("BAD_OPTION", `--username ${flags.username} has no password`, {
      hint: "pipe it to --password-stdin, or set VIGIL_REGISTRY_PASSWORD",
    });
  }
  return {
    username: flags.username,
    password,
    insecure: flags.insecure,
    caFile: flags.caFile,
    timeoutMs: flags.registryTimeout === undefined ? undefined : flags.registryTimeout * 1000,
    retries: flags.registryRetries,
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}
