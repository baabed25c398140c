// The local vulnerability DB: `importFeeds` builds it, `VulnDb` answers
// "which advisories name this package".
export {
  VulnDb,
  type Advisory,
  type DbMeta,
  type EpssInfo,
  type FeedStatus,
  type KevInfo,
} from "./db.js";
export { statusNoteOf } from "./debian-tracker.js";
export {
  importFeeds,
  type FeedSummary,
  type ImportOptions,
  type ImportSummary,
  type ImportWarning,
} from "./import.js";
export { baseEcosystem, normalizeName } from "./names.js";
export type * from "./osv-record.js";
export { SCHEMA_VERSION } from "./schema.js";
export {
  labelForScore,
  scoreVector,
  severityOf,
  type CvssScore,
  type Severity,
  type SeverityLabel,
  type SeveritySource,
} from "./severity.js";
