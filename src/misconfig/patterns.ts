import { linearRegex } from "../util/linear-regex.js";

// Shell patterns both the image history checks and the Dockerfile checks
// look for. History lines come from the image and may be hostile: RE2.

/** `curl … | sh`, `wget -O- … | sudo bash`: a download run unchecked. */
export const PIPE_TO_SHELL = linearRegex(
  String.raw`\b(?:curl|wget)\b[^|;&\n]*\|[ \t]*(?:sudo[ \t]+)?(?:ba|da|z|k)?sh\b`,
);

export const INDEX_UPDATE = linearRegex(
  String.raw`\b(?:apt-get|apt)[ \t]+update\b|\bapk[ \t]+update\b|\byum[ \t]+makecache\b`,
);

export const PACKAGE_INSTALL = linearRegex(
  String.raw`\b(?:apt-get|apt|apk|yum|dnf|microdnf|zypper)\b[^\n]*\b(?:install|add)\b`,
);

/** Docker's classic builder writes `#(nop)  ADD …`, BuildKit `ADD …`. */
export const ADD_URL = linearRegex(String.raw`(?:^|#\(nop\)[ \t]+|^[ \t]*)ADD\b[^\n]*\bhttps?://`);

export const APT_INSTALL = linearRegex(
  String.raw`\bapt-get[ \t]+(?:-[^\s]{1,40}[ \t]+){0,8}install\b`,
);

/** Ports whose service should not run inside an application container. */
export const SENSITIVE_PORTS: Record<string, string> = {
  "22": "SSH",
  "23": "telnet",
  "2375": "the Docker API (plain)",
  "2376": "the Docker API",
  "3389": "RDP",
  "5900": "VNC",
};
