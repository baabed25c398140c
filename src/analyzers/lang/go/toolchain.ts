// The Go toolchain version as the stdlib package's version, shared by the binary and
// toolchain analyzers.

/**
 * `go1.19.8` → `1.19.8`. Releases before Go 1.21 named their first patch
 * level `go1.20`, which is 1.20.0; pre-releases read as semver ones
 * (`go1.21rc2` → `1.21.0-rc.2`). A development toolchain has no version.
 */
export function stdlibVersion(toolchain: string): string | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(beta|rc)(\d+))?(?:$|[\s+-])/.exec(toolchain);
  if (!m) return undefined;
  const [, major, minor, patch = "0", pre, preNumber] = m;
  return `${major}.${minor}.${patch}${pre ? `-${pre}.${preNumber}` : ""}`;
}
