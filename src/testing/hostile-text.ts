// Text shaped to make a backtracking regex engine go quadratic or worse: long
// runs that almost match a rule, with no end. The tests check the scanner
// still finds a real secret after them; `npm run bench` times them.

/** Each about one megabyte. */
export function hostileTexts(): [name: string, text: string][] {
  return [
    ["a megabyte-long line of base64", "A".repeat(1 << 20)],
    ["unterminated PEM headers", "-----BEGIN RSA PRIVATE KEY-----\n".repeat(1 << 15)],
    ["runs of JWT starts", `eyJ${"eyJa".repeat(1 << 18)}`],
    ["password= without end", `password=${"a1".repeat(1 << 19)}`],
    ["many assignments", "token=abc ".repeat(1 << 17)],
    ["database URL prefixes", "postgres://a:".repeat(1 << 16)],
  ];
}
