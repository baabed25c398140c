import { releaseFileAnalyzer } from "./release-file.js";

/** CentOS Linux and CentOS Stream: `CentOS Linux release 7.6.1810 (Core)`. */
export const centosReleaseAnalyzer = releaseFileAnalyzer({
  id: "centos-release",
  paths: ["etc/centos-release"],
  priority: 75,
});
