import type { AnalyzerOutput, ByteSource, FileAnalyzer } from "../types.js";
import { executableClaims } from "./native/executable.js";
import { findSection, readObjectFile } from "./native/object-file.js";
import { parseAuditData } from "./rust/audit-data.js";

/** Far more than any real dependency list compresses to. */
const MAX_SECTION_BYTES = 4 << 20;

/**
 * Rust programs built with cargo-auditable, by the crate list in their
 * `.dep-v0` section (ELF, PE and Mach-O alike). A Rust binary built without
 * it carries no list, and is not reported: rustc leaves no reliable trace of
 * crate versions otherwise (issue 4).
 */
export const rustBinaryAnalyzer: FileAnalyzer = {
  id: "rust-binary",
  version: 1,
  ...executableClaims,
  analyze: ({ source }) => analyzeRustBinary(source),
};

export async function analyzeRustBinary(source: ByteSource): Promise<AnalyzerOutput> {
  const obj = await readObjectFile(source);
  // note: a damaged header is reported once per file, by the Go analyzer, which reads it too.
  if (!("ok" in obj)) return {};

  const section = findSection(obj.ok, ".dep-v0");
  if (!section) return {};
  if (section.size > MAX_SECTION_BYTES) {
    return {
      warnings: [
        {
          code: "BAD_CARGO_AUDIT_DATA",
          message: `the .dep-v0 section is ${section.size} bytes; not read`,
        },
      ],
    };
  }
  return parseAuditData(await source.read(section.offset, section.size));
}
