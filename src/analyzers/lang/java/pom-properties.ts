// META-INF/maven/<groupId>/<artifactId>/pom.properties, as Maven writes it:
// a Java properties file with groupId, artifactId and version. Only the
// parts of the format Maven and Gradle produce matter here: comments,
// `=`/`:`/space separators, and backslash escapes and line continuations.

export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const trimmed = line.trimStart();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith("!")) continue;
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(trimmed);
    if (m) props.set(unescape(m[1] as string), unescape((m[2] as string).trimEnd()));
    else props.set(unescape(trimmed), "");
  }
  return props;
}

/** Joins lines that end in an odd number of backslashes with the next. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = "";
  for (const raw of text.split(/\r\n|\r|\n/)) {
    // A continuation line's leading white space is not part of the value.
    const part = pending ? raw.trimStart() : raw;
    const trailing = /\\+$/.exec(part)?.[0].length ?? 0;
    if (trailing % 2 === 1) {
      pending += part.slice(0, -1);
      continue;
    }
    lines.push(pending + part);
    pending = "";
  }
  if (pending) lines.push(pending);
  return lines;
}

const ESCAPES: Readonly<Record<string, string>> = { t: "\t", n: "\n", r: "\r", f: "\f" };

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? e;
  });
}
