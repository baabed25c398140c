import type { FileFinding } from "../layers/types.js";
import type { Package, PackageType } from "./types.js";

const OS_TYPES: ReadonlySet<PackageType> = new Set(["deb", "apk", "rpm"]);

/**
 * Marks language packages whose file an OS package installed (a Python
 * module from python3-yaml, a jar from libyaml-snake-java, a Go binary from
 * the fzf deb): the distribution built and patches them, so its advisories
 * judge them through the OS package, not upstream's by the upstream version.
 * Only files a container would see are passed in.
 */
export function attributeToOsPackages(packages: Package[], visible: readonly FileFinding[]): void {
  const owner = new Map<string, { type: PackageType; name: string }>();
  for (const f of visible) {
    for (const o of f.output.ownedFiles ?? []) {
      for (const file of o.files) owner.set(file, { type: o.type, name: o.name });
    }
  }
  if (owner.size === 0) return;

  const osPackages = new Map(
    packages.filter((p) => OS_TYPES.has(p.type)).map((p) => [`${p.type}/${p.name}`, p]),
  );
  for (const p of packages) {
    if (OS_TYPES.has(p.type)) continue;
    const o = owner.get(outerFile(p.path));
    const os = o && osPackages.get(`${o.type}/${o.name}`);
    if (os) p.ownedBy = { type: os.type, name: os.name, version: os.version, purl: os.purl };
  }
}

/** A package found inside an archive (`app.war!/WEB-INF/lib/x.jar`) is owned with the archive. */
function outerFile(path: string): string {
  const bang = path.indexOf("!/");
  return bang === -1 ? path : path.slice(0, bang);
}
