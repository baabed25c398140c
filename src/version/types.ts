/**
 * One version ordering per ecosystem. compare returns <0, 0 or >0 like a sort
 * comparator; it must never throw on strings found in real data (an invalid
 * version still orders, as the ecosystem's own tool does), and isValid says
 * whether the ecosystem itself would accept the string.
 */
export interface VersionScheme {
  name: string;
  compare(a: string, b: string): number;
  isValid(version: string): boolean;
}
