import { releaseFileAnalyzer } from "./release-file.js";

/**
 * /etc/redhat-release: the one file every Enterprise Linux has. On CentOS,
 * Rocky and AlmaLinux it links to their own release file; Oracle Linux keeps
 * an unmodified RHEL one, which is why every other release file outranks it.
 */
export const redhatReleaseAnalyzer = releaseFileAnalyzer({
  id: "redhat-release",
  paths: ["etc/redhat-release"],
  priority: 70,
});
