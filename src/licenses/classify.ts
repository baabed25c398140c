import parse from "spdx-expression-parse";
import { toSpdxLicense } from "../sbom/licenses.js";

/**
 * How hard a license is to ship under, most restrictive first. The names are
 * the categories legal teams commonly use: `forbidden` cannot be shipped,
 * `restricted` obliges source release of the work (strong copyleft),
 * `reciprocal` of changes to the licensed files (weak copyleft), `notice` asks
 * for attribution, `permissive` little more, `unencumbered` nothing.
 */
export const LICENSE_CLASSES = [
  "forbidden",
  "restricted",
  "reciprocal",
  "notice",
  "permissive",
  "unencumbered",
  "unknown",
] as const;

export type LicenseClass = (typeof LICENSE_CLASSES)[number];

/** SPDX ids by class; a `-only`/`-or-later`/`+` form counts as its base id. */
const DEFAULT_TABLE: Record<Exclude<LicenseClass, "unknown">, readonly string[]> = {
  forbidden: [
    "AGPL-1.0",
    "AGPL-3.0",
    "SSPL-1.0",
    "BUSL-1.1",
    "Elastic-2.0",
    "Commons-Clause",
    "CC-BY-NC-1.0",
    "CC-BY-NC-2.0",
    "CC-BY-NC-2.5",
    "CC-BY-NC-3.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-ND-3.0",
    "CC-BY-NC-ND-4.0",
    "CC-BY-NC-SA-3.0",
    "CC-BY-NC-SA-4.0",
    "WTFPL",
    "JSON",
  ],
  restricted: [
    "GPL-1.0",
    "GPL-2.0",
    "GPL-3.0",
    "LGPL-2.0",
    "LGPL-2.1",
    "LGPL-3.0",
    "GFDL-1.1",
    "GFDL-1.2",
    "GFDL-1.3",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC-BY-ND-3.0",
    "CC-BY-ND-4.0",
    "OSL-3.0",
    "QPL-1.0",
    "Sleepycat",
    "NPL-1.1",
  ],
  reciprocal: [
    "MPL-1.0",
    "MPL-1.1",
    "MPL-2.0",
    "EPL-1.0",
    "EPL-2.0",
    "CDDL-1.0",
    "CDDL-1.1",
    "CPL-1.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "APSL-2.0",
    "IPL-1.0",
    "ErlPL-1.1",
  ],
  notice: [
    "Apache-1.0",
    "Apache-1.1",
    "Apache-2.0",
    "MIT",
    "X11",
    "ISC",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSD-4-Clause",
    "Zlib",
    "zlib-acknowledgement",
    "PSF-2.0",
    "Python-2.0",
    "OpenSSL",
    "SSLeay-standalone",
    "Artistic-1.0",
    "Artistic-1.0-Perl",
    "Artistic-2.0",
    "curl",
    "PHP-3.0",
    "PHP-3.01",
    "Ruby",
    "BSL-1.0",
    "NCSA",
    "W3C",
    "Unicode-DFS-2016",
    "Unicode-3.0",
    "ICU",
    "FTL",
    "libpng",
    "libpng-2.0",
    "libtiff",
    "IJG",
    "OFL-1.1",
    "MS-PL",
    "HPND",
    "bzip2-1.0.6",
    "Vim",
    "AFL-2.1",
    "AFL-3.0",
    "TCL",
    "PostgreSQL",
    "MirOS",
    "Info-ZIP",
    "Beerware",
  ],
  permissive: ["CC-BY-3.0", "CC-BY-4.0", "BlueOak-1.0.0", "UPL-1.0", "FSFAP", "FSFUL", "FSFULLR"],
  unencumbered: ["CC0-1.0", "Unlicense", "0BSD", "MIT-0", "LicenseRef-public-domain"],
};

/** Names packages use that are no SPDX id and that spdx-correct leaves alone. */
const ALIASES: Record<string, string> = {
  pd: "LicenseRef-public-domain",
  expat: "MIT",
};

/**
 * Debian's copyright files name licenses loosely (`BSD-variant`, `MIT-like`,
 * `GFDL-NIV-1.3`, `public-domain-s-s-d`); these families are clear enough to
 * classify without reading the text.
 */
const NAME_PATTERNS: readonly [RegExp, LicenseClass][] = [
  [/^public[- ]domain\b/i, "unencumbered"],
  [/^(?:mit|bsd|expat|x11|isc)[-_ ]?(?:like|variant|style|ish)\b/i, "notice"],
  [/^permissive$/i, "permissive"],
  [/^(?:gfdl|gpl|lgpl)(?:-niv)?(?:-[0-9.]+\+?)?(?:-no-invariants?)?$/i, "restricted"],
  [/^latex2e$/i, "notice"],
];

/** Maps license ids to classes: the default table with a config's overrides on top. */
export class LicenseClassifier {
  private readonly byId = new Map<string, LicenseClass>();

  constructor(overrides: Partial<Record<LicenseClass, readonly string[]>> = {}) {
    for (const [cls, ids] of Object.entries(DEFAULT_TABLE)) this.add(cls as LicenseClass, ids);
    for (const [cls, ids] of Object.entries(overrides)) this.add(cls as LicenseClass, ids ?? []);
  }

  /**
   * The class of one license string as a package records it. An expression's
   * `AND` takes the most restrictive part (all apply), `OR` the least (the
   * user may choose); text that is no SPDX expression is `unknown`.
   */
  classify(license: string): LicenseClass {
    const alias = ALIASES[license.trim().toLowerCase()];
    const choice = toSpdxLicense(alias ?? license);
    if (!("expression" in choice)) return this.ofName(choice.name);
    try {
      return this.ofNode(parse(choice.expression));
    } catch {
      return "unknown";
    }
  }

  /**
   * A package's class: all its licenses apply at once, so the most
   * restrictive known one; `unknown` when none is known or none was found.
   * Unknown parts beside known ones are still findings of their own.
   */
  classifyAll(licenses: readonly string[] | undefined): LicenseClass {
    const known = (licenses ?? []).map((l) => this.classify(l)).filter((c) => c !== "unknown");
    return known.length > 0 ? mostRestrictive(known) : "unknown";
  }

  /** Not SPDX: a configured name, or the license before a `with` exception, which only relaxes it. */
  private ofName(name: string): LicenseClass {
    const known =
      this.byId.get(name.toLowerCase()) ?? NAME_PATTERNS.find(([re]) => re.test(name))?.[1];
    if (known) return known;
    const base = /^(.+?)\s+with\s+/i.exec(name)?.[1];
    return base ? this.classify(base) : "unknown";
  }

  private ofNode(node: ReturnType<typeof parse>): LicenseClass {
    if ("license" in node) return this.ofId(node.license);
    const left = this.ofNode(node.left);
    const right = this.ofNode(node.right);
    return node.conjunction === "and"
      ? mostRestrictive([left, right])
      : leastRestrictive([left, right]);
  }

  private ofId(id: string): LicenseClass {
    const base = id.replace(/-(?:only|or-later)$|\+$/, "");
    return this.byId.get(id.toLowerCase()) ?? this.byId.get(base.toLowerCase()) ?? "unknown";
  }

  private add(cls: LicenseClass, ids: readonly string[]) {
    for (const id of ids) this.byId.set(id.toLowerCase(), cls);
  }
}

const rank = (c: LicenseClass) => LICENSE_CLASSES.indexOf(c);

/** `unknown` counts as restrictive as it gets short of forbidden: nobody has read it. */
function mostRestrictive(classes: readonly LicenseClass[]): LicenseClass {
  if (classes.includes("forbidden")) return "forbidden";
  if (classes.includes("unknown")) return "unknown";
  return classes.reduce((a, b) => (rank(a) <= rank(b) ? a : b));
}

function leastRestrictive(classes: readonly LicenseClass[]): LicenseClass {
  const known = classes.filter((c) => c !== "unknown");
  if (known.length === 0) return "unknown";
  return known.reduce((a, b) => (rank(a) >= rank(b) ? a : b));
}
