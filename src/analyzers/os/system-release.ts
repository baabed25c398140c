import { releaseFileAnalyzer } from "./release-file.js";

/**
 * Amazon Linux: `Amazon Linux AMI release 2018.03`, `Amazon Linux release 2
 * (Karoo)`, `Amazon Linux release 2023 (Amazon Linux)`. Elsewhere in the Red
 * Hat family it is a link to the distribution's own release file.
 */
export const systemReleaseAnalyzer = releaseFileAnalyzer({
  id: "system-release",
  paths: ["etc/system-release", "usr/lib/system-release"],
  priority: 72,
});
