import { constants } from "node:fs";
import { access, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { VigilError } from "../errors.js";

export async function emit(text: string, output: string | undefined): Promise<void> {
  if (!output) {
    process.stdout.write(text);
    return;
  }
  try {
    await writeFile(output, text);
  } catch (err) {
    throw new VigilError("IO", `cannot write ${output}: ${(err as Error).message}`, { cause: err });
  }
}

/** A report that cannot be written should fail before minutes of scanning, not after. */
export async function checkWritable(output: string): Promise<void> {
  const dir = path.dirname(path.resolve(output));
  const info = await stat(output).catch(() => undefined);
  if (info?.isDirectory()) {
    throw new VigilError("IO", `--output ${output} is a directory`, { hint: "name a file" });
  }
  await access(dir, constants.W_OK).catch((err: unknown) => {
    throw new VigilError("IO", `--output ${output}: cannot write in ${dir}`, {
      cause: err,
      hint: "create the directory first, or choose another path",
    });
  });
}
