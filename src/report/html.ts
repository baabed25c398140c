import { createHash } from "node:crypto";
import { VIGIL_VERSION } from "../about.js";
import { SEVERITIES, type Finding, type Severity } from "../match/types.js";
import type { Decision } from "../policy/types.js";
import { imageName } from "../sbom/identity.js";
import { HTML_SCRIPT, HTML_STYLE } from "./html-assets.js";
import { countBySeverity, findingRisk, isExposed, Verdicts, type ScanResult } from "./model.js";
import { remediations, remediationText, remediationWhere } from "./remediation.js";

type Cell = string | { text: string; sort: string | number };

/**
 * One HTML file that opens anywhere, with no network: styles and script are
 * inline (a content security policy forbids anything else), every table
 * sorts by a click on its header, one filter box and a severity choice
 * narrow every table, a bar chart counts severities, and the layer view
 * says what each layer brought.
 */
export function renderHtml(result: ScanResult, findings: readonly Finding[]): string {
  const { inventory } = result;
  const v = new Verdicts(result.policy);
  const exposed = isExposed(inventory.image);
  const policy = result.policy !== undefined;
  const decisionCells = (d: Decision | undefined): Cell[] => (policy ? [d?.action ?? ""] : []);
  const decisionHead = policy ? ["Policy"] : [];

  const sections = [
    table(
      "vulnerabilities",
      "Vulnerabilities",
      [
        ...decisionHead,
        "Risk",
        "Severity",
        "Vulnerability",
        "Package",
        "Version",
        "Fixed in",
        "Layer",
        "Title",
      ],
      findings.map((f) => ({
        severity: f.severity,
        cells: [
          ...decisionCells(v.vulnerability(f)),
          { text: findingRisk(f, exposed).toFixed(1), sort: findingRisk(f, exposed) },
          severityCell(f.severity),
          f.id + (f.kev ? " (KEV)" : ""),
          f.package.name,
          f.package.version,
          f.fixedVersion ?? "",
          { text: String(f.package.layer.index + 1), sort: f.package.layer.index },
          f.title ?? "",
        ],
      })),
    ),
    inventory.secrets &&
      table(
        "secrets",
        "Secrets",
        [...decisionHead, "Severity", "Rule", "Where", "Layer", "Match"],
        inventory.secrets.map((s) => ({
          severity: s.severity,
          cells: [
            ...decisionCells(v.secret(s)),
            severityCell(s.severity),
            s.rule,
            s.line === undefined ? s.path : `${s.path}:${s.line}`,
            s.layer === undefined
              ? "config"
              : `${s.layer + 1}${s.removedIn === undefined ? "" : ` (removed in ${s.removedIn + 1})`}`,
            s.match,
          ],
        })),
      ),
    result.misconfigurations &&
      table(
        "misconfigurations",
        "Misconfigurations",
        [...decisionHead, "Severity", "Check", "Where", "Fix"],
        result.misconfigurations.map((m) => ({
          severity: m.severity,
          cells: [
            ...decisionCells(v.misconfiguration(m)),
            severityCell(m.severity),
            `${m.id}: ${m.title}`,
            m.evidence
              .slice(0, 5)
              .map((e) => `${e.path}: ${e.detail}`)
              .join("; "),
            m.fix,
          ],
        })),
      ),
    result.licenses &&
      table(
        "licenses",
        "Licenses",
        [...decisionHead, "Severity", "Class", "Package", "Version", "Licenses"],
        result.licenses.map((l) => ({
          severity: l.severity,
          cells: [
            ...decisionCells(v.license(l)),
            severityCell(l.severity),
            l.class,
            l.package.name,
            l.package.version,
            l.licenses.join(", "),
          ],
        })),
      ),
    remediationTable(result, findings),
    layerTable(result, findings),
  ].filter((s): s is string => typeof s === "string");

  const name = imageName(inventory.image);
  const os = inventory.os ? `${inventory.os.family} ${inventory.os.release}` : "unknown OS";
  const scriptHash = createHash("sha256").update(HTML_SCRIPT).digest("base64");
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vigil: ${esc(name)}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<header>
<h1>${esc(name)}</h1>
<p class="meta">${esc(os)} · ${esc(inventory.image.digest)} · ${inventory.packages.length} packages · vigil ${esc(VIGIL_VERSION)}</p>
${verdict(result)}
</header>
<section id="chart">${chart(findings)}</section>
<div id="controls">
<label>Filter <input id="filter" type="search" placeholder="id, package, path…"></label>
<label>Severity <select id="severity"><option value="">all</option>${SEVERITIES.map((s) => `<option>${s}</option>`).join("")}</select></label>
<span id="shown"></span>
</div>
${sections.join("\n")}
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
}

function verdict(result: ScanResult): string {
  const p = result.policy;
  if (!p) return "";
  const { deny, warn, ignore } = p.counts;
  const label = p.passed ? "passed" : "failed";
  const name = p.policy ? `policy ${p.policy}` : "exceptions and VEX";
  const expired = p.expired.map(
    (e) => `<li>exception ${esc(e.id)} expired on ${esc(e.expires ?? "")}</li>`,
  );
  return `<p id="verdict" class="${label}">${esc(name)}: <strong>${label}</strong> (${deny} denied, ${warn} warned, ${ignore} ignored)</p>${expired.length ? `<ul>${expired.join("")}</ul>` : ""}`;
}

/** Horizontal bars, one per severity of the vulnerabilities, as inline SVG. */
function chart(findings: readonly Finding[]): string {
  const counts = countBySeverity(findings);
  const max = Math.max(1, ...Object.values(counts));
  const rows = SEVERITIES.map((s, i) => {
    const width = Math.round((counts[s] / max) * 300);
    const y = i * 22;
    return `<g class="bar sev-${s}"><text x="0" y="${y + 14}">${s}</text><rect x="100" y="${y + 2}" width="${width}" height="16"></rect><text x="${106 + width}" y="${y + 14}">${counts[s]}</text></g>`;
  });
  return `<svg role="img" aria-label="vulnerabilities by severity" width="460" height="${SEVERITIES.length * 22}" viewBox="0 0 460 ${SEVERITIES.length * 22}">${rows.join("")}</svg>`;
}

function severityCell(s: Severity): Cell {
  return { text: s, sort: SEVERITIES.indexOf(s) };
}

function table(
  id: string,
  title: string,
  head: string[],
  rows: { severity?: Severity; cells: Cell[] }[],
): string {
  const th = head.map((h, i) => `<th data-col="${i}" tabindex="0">${esc(h)}</th>`).join("");
  const body = rows
    .map((r) => {
      const tds = r.cells
        .map((c) =>
          typeof c === "string"
            ? `<td>${esc(c)}</td>`
            : `<td data-sort="${esc(String(c.sort))}">${esc(c.text)}</td>`,
        )
        .join("");
      return `<tr${r.severity ? ` data-severity="${r.severity}"` : ""}>${tds}</tr>`;
    })
    .join("\n");
  return `<section><h2>${esc(title)} <small>(${rows.length})</small></h2>
<table id="${id}" class="sortable"><thead><tr>${th}</tr></thead><tbody>
${body}
</tbody></table></section>`;
}

function remediationTable(result: ScanResult, findings: readonly Finding[]): string | undefined {
  const image = result.inventory.image;
  const all = remediations(image, findings);
  if (all.length === 0) return undefined;
  return table(
    "remediation",
    "Remediation",
    ["Upgrade", "Fixes", "Critical", "High", "Where"],
    all.map((r) => ({
      cells: [
        remediationText(r),
        { text: String(r.fixes), sort: r.fixes },
        { text: String(r.bySeverity.CRITICAL), sort: r.bySeverity.CRITICAL },
        { text: String(r.bySeverity.HIGH), sort: r.bySeverity.HIGH },
        remediationWhere(r, image),
      ],
    })),
  );
}

/** What each layer brought: packages, and the findings in them or in its files. */
function layerTable(result: ScanResult, findings: readonly Finding[]): string {
  const { inventory } = result;
  const base = inventory.image.base?.layers ?? 0;
  const rows = inventory.image.layers.map((l) => {
    const packages = inventory.packages.filter((p) => p.layer.index === l.index).length;
    const vulns = findings.filter((f) => f.package.layer.index === l.index).length;
    const secrets = (inventory.secrets ?? []).filter((s) => s.layer === l.index).length;
    return {
      cells: [
        { text: String(l.index + 1), sort: l.index },
        l.index < base ? "base image" : "",
        l.createdBy ?? "",
        { text: String(packages), sort: packages },
        { text: String(vulns), sort: vulns },
        { text: String(secrets), sort: secrets },
        l.diffId,
      ],
    };
  });
  return table(
    "layers",
    "Layers",
    ["Layer", "From", "Created by", "Packages", "Vulnerabilities", "Secrets", "Diff ID"],
    rows,
  );
}

/** Everything from an image is text, never markup. */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
