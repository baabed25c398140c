/**
 * Text from an image (package names, versions, file names) is attacker
 * controlled. Before it reaches a terminal, control characters are shown
 * escaped: an ESC sequence could otherwise clear the screen or retitle the
 * window, and a newline could forge a second log line.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}

/** `17179869184` → `16G`: sizes as people read them. */
export function humanBytes(bytes: number): string {
  const units = ["", "K", "M", "G", "T"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit += 1;
  }
  return `${value}${units[unit]}`;
}

/**
 * Names for an error's hint, kept to a line: the first few, each cut short,
 * and how many more there are. An image's tags are the image author's to
 * make as long and as many as they like.
 */
export function shortList(names: readonly string[], most = 10, width = 80): string {
  const cut = (n: string) => (n.length > width ? `${n.slice(0, width)}…` : n);
  const shown = names.slice(0, most).map(cut).join(", ");
  return names.length > most ? `${shown}, … (${names.length - most} more)` : shown;
}
