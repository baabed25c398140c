// Errors the user must act on. Each has a machine-readable code (tests assert
// the code, not the wording), keeps its cause, and may carry a hint.

export type ErrorCode =
  | "BAD_REFERENCE"
  | "NOT_FOUND"
  | "AMBIGUOUS_IMAGE"
  | "UNSUPPORTED"
  | "DIGEST_MISMATCH"
  | "CORRUPT_LAYER"
  | "UNSAFE_PATH"
  | "SYMLINK_LOOP"
  | "LIMIT_EXCEEDED"
  | "BAD_MANIFEST"
  | "DB_MISSING"
  | "DB_CORRUPT"
  | "DB_LOCKED"
  | "NETWORK"
  | "AUTH"
  | "BAD_FEED"
  | "BAD_SBOM"
  | "BAD_OPTION"
  | "BAD_POLICY"
  | "BAD_VEX"
  | "BAD_REPORT"
  | "IO";

export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = "VigilError";
    this.code = code;
    this.hint = options.hint;
  }
}

/** The one line a user sees: the message, then the hint if there is one. */
export function describeError(err: unknown): string {
  if (err instanceof VigilError) {
    return err.hint ? `${err.message} (${err.hint})` : err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
