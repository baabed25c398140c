// Package names as each ecosystem compares them. Records keep the name as
// written (PyYAML); matching and merging compare these forms.

/** PEP 503: lower case, with every run of `-`, `_` and `.` as one `-` (`Foo.Bar_baz` → `foo-bar-baz`). */
export function pep503Name(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}
