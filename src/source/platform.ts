import { VigilError } from "../errors.js";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM = "linux/amd64";

export function parsePlatform(text: string): Platform {
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
