import { releaseFileAnalyzer } from "./release-file.js";

/** `Fedora release 35 (Thirty Five)`; /etc/fedora-release links into usr/lib. */
export const fedoraReleaseAnalyzer = releaseFileAnalyzer({
  id: "fedora-release",
  paths: ["etc/fedora-release", "usr/lib/fedora-release"],
  priority: 75,
});
