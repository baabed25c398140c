import type { Finding } from "../match/types.js";
import { renderHtml } from "./html.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { shownReport, type ScanResult } from "./model.js";
import { renderOpenVex } from "./openvex.js";
import { renderSarif } from "./sarif.js";
import { renderTable } from "./table.js";
import { renderTemplate } from "./template.js";
import { renderVdr } from "./vdr.js";

import { REPORT_FORMATS, type ReportFormat } from "./formats.js";

export { REPORT_FORMATS, type ReportFormat };

export interface RenderOptions {
  color: boolean;
  /** `--template FILE`, read. */
  template?: { name: string; text: string };
}

type Renderer = (result: ScanResult, findings: readonly Finding[], opts: RenderOptions) => string;

/**
 * Machine formats keep every finding, an ignored one with its decision (SARIF
 * as a suppression, JUnit as skipped); the formats people read, and the VDR,
 * leave ignored findings out and count them in the policy's verdict.
 */
const RENDERERS: Record<ReportFormat, { render: Renderer; dropsIgnored: boolean }> = {
  table: { render: (r, f, o) => renderTable(r, f, { color: o.color }), dropsIgnored: true },
  json: { render: (r, f) => renderJson(r, f), dropsIgnored: false },
  sarif: { render: (r, f) => renderSarif(r, f), dropsIgnored: false },
  junit: { render: (r, f) => renderJunit(r, f), dropsIgnored: false },
  markdown: { render: (r, f) => renderMarkdown(r, f), dropsIgnored: true },
  html: { render: (r, f) => renderHtml(r, f), dropsIgnored: true },
  "cyclonedx-vdr": { render: (r, f) => renderVdr(r, f), dropsIgnored: true },
  openvex: { render: (r, f) => renderOpenVex(r, f), dropsIgnored: false },
  template: {
    render: (r, f, o) => renderTemplate(r, f, o.template ?? { name: "", text: "" }),
    dropsIgnored: false,
  },
};

export function renderReport(
  format: ReportFormat,
  result: ScanResult,
  findings: readonly Finding[],
  opts: RenderOptions,
): string {
  const { render, dropsIgnored } = RENDERERS[format];
  if (!dropsIgnored) return render(result, findings, opts);
  const shown = shownReport(result, findings);
  return render(shown.result, shown.findings, opts);
}
