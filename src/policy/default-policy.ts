/** `--policy default`. */
export const DEFAULT_POLICY_NAME = "default";

/**
 * The built-in policy, written as a user would write one (README, "Policy"):
 * what most teams block before shipping, and a warning for everything else.
 * `vigil policy show` prints it, as a start for one's own.
 */
export const DEFAULT_POLICY_YAML = `\
name: vigil-default
description: >-
  Block leaked secrets, vulnerabilities known to be exploited, critical and
  high vulnerabilities that have a fix, and forbidden licenses; warn about the rest.
default: warn
rules:
  - id: secret
    action: deny
    when: finding.kind == "secret"
    message: "{finding.title} in {finding.path}: anyone who pulls the image can read it"

  - id: known-exploited
    action: deny
    when: finding.kind == "vulnerability" && finding.kev
    message: "{finding.id} in {pkg.name} {pkg.version} is exploited in the wild (CISA KEV)"

  - id: fixable-critical-high
    action: deny
    when: >-
      finding.kind == "vulnerability" && finding.fixAvailable &&
      finding.severity in ["CRITICAL", "HIGH"]
    message: "{finding.severity} {finding.id} in {pkg.name} {pkg.version}: fixed in {finding.fixedVersion}"

  - id: forbidden-license
    action: deny
    when: finding.kind == "license" && finding.id == "license:forbidden"
    message: "{pkg.name} {pkg.version} is under a forbidden license: {finding.title}"
`;
