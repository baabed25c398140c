import { VigilError } from "../errors.js";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM = "linux/amd64";

export function parsePlatform(text: string): Platform {
  if (text === ALL_PLATFORMS) {
    throw new VigilError("BAD_OPTION", "--platform all takes an image index", {
      hint: "name one platform, e.g. --platform linux/amd64",
    });
  }
  const [os, architecture, variant] = text.split("/");
  if (!os || !architecture) {
    throw new VigilError("BAD_REFERENCE", `platform "${text}" is not os/arch[/variant]`, {
      hint: "for example --platform linux/arm64/v8",
    });
  }
  return { os, architecture, variant };
}

export function formatPlatform(p: Partial<Platform> | undefined): string {
  if (!p?.os || !p.architecture) return "unknown platform";
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

/** A wanted platform without a variant matches any variant of that arch. */
export function platformMatches(want: Platform, have: Partial<Platform> | undefined): boolean {
  if (!have?.os || !have.architecture) return false;
  if (want.os !== have.os || want.architecture !== have.architecture) return false;
  return !want.variant || want.variant === have.variant;
}

/** `--platform all`: every image of an index, one report each. */
export const ALL_PLATFORMS = "all";

export interface PlatformCandidate {
  digest: string;
  platform?: Partial<Platform>;
  /** A tag or other name shown when the choice fails. */
  label?: string;
}

/**
 * The images a `--platform` picks: exactly one (default linux/amd64), or
 * every one for `all`. When none or several match, the error lists what is
 * there, the same way for every kind of source.
 */
export function pickPlatforms<T extends PlatformCandidate>(
  candidates: T[],
  wanted: string | undefined,
  reference: string,
): T[] {
  const every = wanted === ALL_PLATFORMS;
  if (every && candidates.length > 0) return candidates;

  const platform = every ? undefined : parsePlatform(wanted ?? DEFAULT_PLATFORM);
  const matching = candidates.filter((m) => platform && platformMatches(platform, m.platform));
  if (matching.length === 1) return matching;

  const listing =
    candidates
      .map((m) => [m.label, formatPlatform(m.platform), m.digest].filter(Boolean).join(" "))
      .join("; ") || "none";
  const why = !platform
    ? "no images"
    : matching.length === 0
      ? `none for ${formatPlatform(platform)}`
      : "several match";
  throw new VigilError("AMBIGUOUS_IMAGE", `${reference}: ${why}; images here: ${listing}`, {
    hint: "choose one with :TAG, @DIGEST or --platform",
  });
}
