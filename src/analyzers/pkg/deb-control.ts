/**
 * Parses Debian control-file syntax (dpkg status, status.d entries): stanzas
 * separated by blank lines, `Field: value`, continuation lines indented.
 * Field names are case-insensitive in Debian policy; they are kept as written
 * and looked up case-insensitively.
 */
export interface Stanza {
  fields: Map<string, string>;
  /** 1-based line where the stanza starts, for warnings. */
  line: number;
}

export function parseStanzas(text: string): { stanzas: Stanza[]; bad: number[] } {
  const stanzas: Stanza[] = [];
  const bad: number[] = [];
  let current: Stanza | undefined;
  let lastField: string | undefined;

  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, "");
    if (line.trim() === "") {
      current = undefined;
      continue;
    }
    if (!current) {
      current = { fields: new Map(), line: i + 1 };
      stanzas.push(current);
      lastField = undefined;
    }

    if (line.startsWith(" ") || line.startsWith("\t")) {
      // Continuation of a multi-line field (Description, Conffiles, …).
      if (lastField) current.fields.set(lastField, `${current.fields.get(lastField)}\n${line}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) {
      bad.push(i + 1);
      continue;
    }
    lastField = line.slice(0, colon).toLowerCase();
    current.fields.set(lastField, line.slice(colon + 1).trim());
  }
  return { stanzas, bad };
}

/** `Source: name` or `Source: name (version)`; version defaults to the binary's. */
export function parseSource(
  source: string | undefined,
  version: string,
): { name?: string; version?: string } {
  if (!source) return {};
  const m = /^(\S+)(?:\s+\(([^)]+)\))?$/.exec(source.trim());
  if (!m) return {};
  return { name: m[1], version: m[2] ?? version };
}
