import { releaseFileAnalyzer } from "./release-file.js";

/** `AlmaLinux release 8.4 (Electric Cheetah)`; redhat-release links here. */
export const almalinuxReleaseAnalyzer = releaseFileAnalyzer({
  id: "almalinux-release",
  paths: ["etc/almalinux-release"],
  priority: 75,
});
