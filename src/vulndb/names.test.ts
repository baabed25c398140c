import assert from "node:assert/strict";
import { test } from "node:test";

import { baseEcosystem, normalizeName } from "./names.js";

test("normalizeName follows each ecosystem's own rule", () => {
  const cases: [ecosystem: string, name: string, want: string][] = [
    ["PyPI", "PyYAML", "pyyaml"],
    ["PyPI", "Jinja2", "jinja2"],
    ["PyPI", "zope.interface", "zope-interface"],
    ["PyPI", "typing_extensions", "typing-extensions"],
    ["PyPI", "Foo__Bar-.baz", "foo-bar-baz"],
    ["npm", "Axios", "axios"],
    ["npm", "@Scope/Pkg", "@scope/pkg"],
    ["NuGet", "Newtonsoft.Json", "newtonsoft.json"],
    ["Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"],
    ["Maven", "org.Apache:Foo_Bar", "org.Apache:Foo_Bar"],
    ["crates.io", "Serde_JSON", "Serde_JSON"],
    ["Alpine:v3.10", "py3-Foo", "py3-Foo"],
  ];
  for (const [ecosystem, name, want] of cases) {
    assert.equal(normalizeName(ecosystem, name), want, `${ecosystem} ${name}`);
  }
});

test("baseEcosystem drops the release suffix", () => {
  assert.equal(baseEcosystem("Alpine:v3.10"), "Alpine");
  assert.equal(baseEcosystem("Ubuntu:Pro:14.04:LTS"), "Ubuntu");
  assert.equal(baseEcosystem("npm"), "npm");
});
