// What a policy decides, and about what. Renderers read these types; the
// policy folder alone builds them.

export const FINDING_KINDS = ["vulnerability", "secret", "misconfiguration", "license"] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const ACTIONS = ["deny", "warn", "ignore"] as const;
export type Action = (typeof ACTIONS)[number];

/** Who made a decision: a rule, an exception, a VEX statement, or the policy's default. */
export interface DecisionSource {
  type: "rule" | "exception" | "vex" | "default";
  /** The rule or exception id; for VEX, the document and the statement's vulnerability. */
  id: string;
  /** Where it is written: `policy.yaml:12`, `(built-in default policy)`, a VEX file. */
  source: string;
}

/** The verdict on one finding, and why. */
export interface Decision {
  /** The finding's key (see `subjects.ts`): stable across formats of one scan. */
  key: string;
  kind: FindingKind;
  /** Vulnerability id, secret rule, misconfiguration check, or `license:<class>`. */
  id: string;
  action: Action;
  by: DecisionSource;
  /** The rule's message with its placeholders filled, or the exception's reason. */
  message: string;
  /** The VEX status a statement gave it, when one did. */
  vex?: VexStatus;
}

export const VEX_STATUSES = ["not_affected", "affected", "fixed", "under_investigation"] as const;
export type VexStatus = (typeof VEX_STATUSES)[number];

/** An exception as written, after its fields were checked. */
export interface Exception {
  id: string;
  owner?: string;
  reason: string;
  /** `YYYY-MM-DD`: the last day it applies. */
  expires?: string;
  scope: ExceptionScope;
  /** VEX justification to write for it (`--format openvex`); without one it is an accepted risk. */
  justification?: string;
  /** `file:line` where it is written. */
  source: string;
}

/** Every field given must match the finding. */
export interface ExceptionScope {
  /** A vulnerability id or alias; for other kinds, the secret rule, check id or license class. */
  vulnerability?: string;
  /** A package name, `name@version`, or a purl (qualifiers ignored). */
  package?: string;
  /** A glob over the image's reference, name, tags and digest. */
  image?: string;
  /** A glob over the finding's path in the image. */
  path?: string;
  kind?: FindingKind;
}

/** What a policy made of one scan. */
export interface PolicyOutcome {
  /** The policy's name; absent when only exceptions or VEX were given. */
  policy?: string;
  source?: string;
  /** Nothing denied. */
  passed: boolean;
  counts: Record<Action, number>;
  decisions: Decision[];
  /** Exceptions whose date has passed: they no longer apply. */
  expired: Exception[];
  /** Exceptions that excepted at least one finding, for `--format openvex`. */
  applied: { exception: Exception; keys: string[] }[];
}
