// META-INF/MANIFEST.MF: `Name: value` headers in sections separated by blank
// lines, long lines continued on lines that start with one space. The first
// section is the main one; later ones start with `Name:` (a package or file)
// and sometimes carry the Implementation- fields the main one lacks.

export interface Manifest {
  /** Header names lowercased: they are case-insensitive. */
  main: Map<string, string>;
  sections: Map<string, string>[];
}

export function parseManifest(text: string): Manifest {
  let current = new Map<string, string>();
  const sections = [current];
  let last: { section: Map<string, string>; key: string } | undefined;

  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "") {
      if (current.size > 0) sections.push((current = new Map()));
      last = undefined;
    } else if (line.startsWith(" ") && last) {
      last.section.set(last.key, (last.section.get(last.key) ?? "") + line.slice(1));
    } else {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      current.set(key, line.slice(colon + 1).trim());
      last = { section: current, key };
    }
  }

  const [main = new Map<string, string>(), ...rest] = sections;
  return { main, sections: rest.filter((s) => s.size > 0) };
}

/** A header from the main section, else from the first named section that has it. */
export function manifestValue(m: Manifest, key: string): string | undefined {
  const direct = m.main.get(key);
  if (direct) return direct;
  return m.sections.map((s) => s.get(key)).find((v) => v !== undefined && v !== "");
}
