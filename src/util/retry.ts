// Backoff between tries of a network request, shared by the feed downloader
// and the registry client.

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * Doubles from `baseMs` per try, up to `maxMs`; a delay the server asked for
 * wins, within the same cap.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, hintedMs?: number) {
  if (hintedMs !== undefined) return Math.min(hintedMs, maxMs);
  const base = baseMs * 2 ** (attempt - 1);
  // Full jitter over the upper half keeps many clients from retrying in step.
  return Math.min(maxMs, base / 2 + Math.random() * (base / 2));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
