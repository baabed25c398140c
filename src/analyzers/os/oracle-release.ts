import { releaseFileAnalyzer } from "./release-file.js";

/**
 * `Oracle Linux Server release 9.3`. Oracle Linux also ships RHEL's own
 * redhat-release (`Red Hat Enterprise Linux release 9.3 (Plow)`), so this
 * file must outrank it for Oracle images without os-release.
 */
export const oracleReleaseAnalyzer = releaseFileAnalyzer({
  id: "oracle-release",
  paths: ["etc/oracle-release"],
  priority: 75,
});
