// The module list a Go binary carries (runtime/debug.BuildInfo as text):
//
//   path  <main package>
//   mod   <main module>  <version>  [<sum>]
//   dep   <module>       <version>  [<sum>]
//   =>    <replacement>  [<version>  <sum>]      replaces the line above
//   build <key>=<value>                          value quoted when it has spaces
//
// wrapped in two 16-byte sentinels that runtime/debug strips the same way.

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

export interface ModuleInfo {
  /** The main package (`path` line); a GOPATH-mode build has only this. */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Map<string, string>;
}

const SENTINEL_BYTES = 16;

/** Strips the sentinels when they are there (Go only writes them together). */
export function stripSentinels(modinfo: string): string {
  if (modinfo.length >= 2 * SENTINEL_BYTES + 1 && modinfo[modinfo.length - 17] === "\n") {
    return modinfo.slice(SENTINEL_BYTES, modinfo.length - SENTINEL_BYTES);
  }
  return modinfo;
}

export function parseModuleInfo(text: string): ModuleInfo {
  const info: ModuleInfo = { deps: [], settings: new Map() };
  let last: GoModule | undefined;

  for (const line of text.split("\n")) {
    const [kind, ...fields] = line.split("\t");
    if (kind === "path") info.path = fields[0];
    else if (kind === "mod") last = info.main = moduleOf(fields);
    else if (kind === "dep") info.deps.push((last = moduleOf(fields)));
    else if (kind === "=>" && last) last.replace = moduleOf(fields);
    else if (kind === "build") addSetting(info.settings, fields.join("\t"));
  }
  return info;
}

function moduleOf([path = "", version = "", sum]: string[]): GoModule {
  return { path, version, ...(sum && { sum }) };
}

/**
 * `key=value`. Go quotes (strconv.Quote) a key with spaces, tabs, quotes or
 * `=`, and a value with spaces, tabs or quotes: `GOFLAGS=-mod=vendor` is bare.
 */
function addSetting(settings: Map<string, string>, text: string): void {
  const key = readQuoted(text);
  if (!key || text[key.end] !== "=") return;
  const rest = text.slice(key.end + 1);
  settings.set(key.text, rest.startsWith('"') ? (readQuoted(rest)?.text ?? rest) : rest);
}

function readQuoted(text: string): { text: string; end: number } | undefined {
  if (!text.startsWith('"')) {
    const end = text.indexOf("=");
    return { text: end < 0 ? text : text.slice(0, end), end: end < 0 ? text.length : end };
  }
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') {
      // Go's escapes that JSON lacks (\a, \v, \x..) appear only in hostile input.
      try {
        return { text: JSON.parse(text.slice(0, i + 1)) as string, end: i + 1 };
      } catch {
        return { text: text.slice(1, i), end: i + 1 };
      }
    }
  }
  return undefined;
}
