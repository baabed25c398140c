import type { Analyzer, AnalyzerOutput } from "../types.js";

const COPYRIGHT = /^usr\/share\/doc\/([^/]+)\/copyright$/;
/** A reference to the full text Debian ships, which names the license in a file that is not DEP-5. */
const COMMON_LICENSE =
  /\/usr\/share\/common-licenses\/(GPL-[123]|GPL|LGPL-2(?:\.[01])?|LGPL-3|LGPL|Apache-2\.0|Artistic|BSD|MPL-1\.1|MPL-2\.0|GFDL-1\.[23]|GFDL|CC0-1\.0)\b/g;

/**
 * Sentences that open well-known license texts, for free-form files that
 * quote a license instead of naming it. The first match of each counts.
 */
const LICENSE_TEXTS: readonly [RegExp, string][] = [
  [/Permission is hereby granted, free of charge, to any person obtaining a copy/, "MIT"],
  [/Licensed under the Apache License, Version 2\.0/, "Apache-2.0"],
  [
    /Redistribution and use in source and binary forms[\s\S]{0,2000}?Neither the name/,
    "BSD-3-Clause",
  ],
  [/Redistribution and use in source and binary forms/, "BSD-2-Clause"],
  [/Permission to use, copy, modify, and(?:\/or)? distribute this software for any/, "ISC"],
  [/Mozilla Public License,? (?:v\. |version )?2\.0/i, "MPL-2.0"],
];

/**
 * Debian packages record no license in the dpkg database; their
 * `/usr/share/doc/<package>/copyright` says it. A machine-readable (DEP-5)
 * file names licenses in `License:` fields; an older free-form file is read
 * for the common-licenses texts it points to. Either way the names are kept
 * as written (`GPL-2+`, `BSD-3-clause`) and turned into SPDX later.
 */
export const dpkgCopyrightAnalyzer: Analyzer = {
  id: "dpkg-copyright",
  version: 1,
  maxBytes: 4 << 20,
  claims: (path) => COPYRIGHT.test(path),
  analyze: ({ path, content }) => {
    const name = COPYRIGHT.exec(path)?.[1] ?? "";
    const text = content.toString("utf8");
    const licenses = isDep5(text) ? dep5Licenses(text) : referencedLicenses(text);
    const output: AnalyzerOutput = { packageLicenses: [{ type: "deb", name, licenses }] };
    return output;
  },
};

function isDep5(text: string): boolean {
  return /^Format:\s*\S*copyright-format/im.test(text.slice(0, 4096));
}

/**
 * Short names from the header and `Files:` paragraphs, in order, once each.
 * Stand-alone `License:` paragraphs only hold the texts of names used above.
 */
function dep5Licenses(text: string): string[] {
  const names = new Set<string>();
  for (const paragraph of text.split(/\r?\n[ \t]*\r?\n/)) {
    const isFiles = /^Files:/m.test(paragraph);
    const isHeader = /^Format:/m.test(paragraph);
    if (!isFiles && !isHeader) continue;
    const license = /^License:[ \t]*([^\r\n]*)/m.exec(paragraph)?.[1]?.trim();
    if (license) names.add(license);
  }
  return [...names];
}

function referencedLicenses(text: string): string[] {
  const named = [...text.matchAll(COMMON_LICENSE)].map((m) => m[1] as string);
  // Quoted texts wrap anywhere: compare them with whitespace runs made single spaces.
  const flat = text.replace(/\s+/g, " ");
  const quoted = LICENSE_TEXTS.filter(([re]) => re.test(flat)).map(([, id]) => id);
  // A BSD text matches both BSD rules; the longer form wins.
  const ids = quoted.includes("BSD-3-Clause") ? quoted.filter((q) => q !== "BSD-2-Clause") : quoted;
  return [...new Set([...named, ...ids])];
}
