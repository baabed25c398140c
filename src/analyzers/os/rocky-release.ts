import { releaseFileAnalyzer } from "./release-file.js";

/** `Rocky Linux release 8.4 (Green Obsidian)`; redhat-release links here. */
export const rockyReleaseAnalyzer = releaseFileAnalyzer({
  id: "rocky-release",
  paths: ["etc/rocky-release"],
  priority: 75,
});
