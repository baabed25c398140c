// The report formats' names, apart from their renderers: the CLI lists them in
// its help and checks --format against them without loading every renderer
// (and the libraries they use) on each start.
export const REPORT_FORMATS = [
  "table",
  "json",
  "sarif",
  "junit",
  "markdown",
  "html",
  "cyclonedx-vdr",
  "openvex",
  "template",
] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
