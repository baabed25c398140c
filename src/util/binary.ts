/** Bytes looked at to tell a binary file (a NUL among them) from text. */
export const BINARY_SNIFF_BYTES = 8192;

/** The rule git and grep use: text has no NUL byte near its start. */
export function looksBinary(content: Buffer): boolean {
  return content.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}
