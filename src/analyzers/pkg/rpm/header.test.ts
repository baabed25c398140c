import assert from "node:assert/strict";
import { test } from "node:test";

import { detectFormat, headerBlobs } from "./db.js";
import { parseHeader, parseSourceRpm, Tag } from "./header.js";
import { sqliteBlobs } from "./sqlite.js";
import { fixtures, load } from "./testdata.js";

const STRING = 6;
const INT32 = 4;
const BIN = 7;
const STRING_ARRAY = 8;
const I18N = 9;

interface Spec {
  tag: number;
  type: number;
  value: string | string[] | number[];
}

function encode({ type, value }: Spec): { data: Buffer; count: number } {
  if (type === INT32) {
    const nums = value as number[];
    const data = Buffer.alloc(nums.length * 4);
    nums.forEach((n, i) => data.writeUInt32BE(n, i * 4));
    return { data, count: nums.length };
  }
  const strings = typeof value === "string" ? [value] : (value as string[]);
  return { data: Buffer.from(strings.map((s) => `${s}\0`).join("")), count: strings.length };
}

/** A header blob; with `region`, the first `region` specs form an immutable region. */
function build(specs: Spec[], region?: number): Buffer {
  const entries: Buffer[] = [];
  const data: Buffer[] = [];
  let dl = 0;
  const add = (tag: number, type: number, offset: number, count: number) => {
    const e = Buffer.alloc(16);
    [tag, type, offset, count].forEach((v, i) => e.writeInt32BE(v, i * 4));
    entries.push(e);
  };

  specs.forEach((spec, i) => {
    const { data: bytes, count } = encode(spec);
    add(spec.tag, spec.type, dl, count);
    data.push(bytes);
    dl += bytes.length;
    if (region !== undefined && i === region - 1) {
      const trailer = Buffer.alloc(16);
      [Tag.HeaderImmutable, BIN, -(region + 1) * 16, 16].forEach((v, k) =>
        trailer.writeInt32BE(v, k * 4),
      );
      entries.unshift(Buffer.alloc(0)); // placeholder for the region entry
      data.push(trailer);
      const regionEntry = Buffer.alloc(16);
      [Tag.HeaderImmutable, BIN, dl, 16].forEach((v, k) => regionEntry.writeInt32BE(v, k * 4));
      entries[0] = regionEntry;
      dl += 16;
    }
  });

  const intro = Buffer.alloc(8);
  intro.writeUInt32BE(entries.length, 0);
  intro.writeUInt32BE(dl, 4);
  return Buffer.concat([intro, ...entries, ...data]);
}

const basic: Spec[] = [
  { tag: Tag.Name, type: STRING, value: "nodejs" },
  { tag: Tag.Version, type: STRING, value: "20.11.1" },
  { tag: Tag.Release, type: STRING, value: "1.module+el8.9.0+21380+12032667" },
];

function problemOf(blob: Buffer): string {
  const r = parseHeader(blob, { files: true });
  return r.ok ? "(parsed)" : r.problem;
}

test("a real header: tags, region and file list", () => {
  const blobs = [...sqliteBlobs(load(fixtures[2]!.db), () => {})];
  const bash = blobs.find((b) => {
    const r = parseHeader(b);
    return r.ok && r.header.name === "bash";
  });
  assert.ok(bash);
  assert.equal(bash.readUInt32BE(8), Tag.HeaderImmutable);

  const r = parseHeader(bash, { files: true });
  assert.ok(r.ok);
  const { files, ...rest } = r.header;
  assert.deepEqual(rest, {
    name: "bash",
    version: "4.2.46",
    release: "30.el7",
    arch: "x86_64",
    sourceRpm: "bash-4.2.46-30.el7.src.rpm",
    source: { name: "bash", version: "4.2.46", release: "30.el7" },
    license: "GPLv3+",
    vendor: "CentOS",
  });
  assert.ok(files?.includes("/usr/bin/bash"));
  assert.ok(files?.includes("/etc/skel/.bashrc"));
  const withoutFiles = parseHeader(bash);
  assert.ok(withoutFiles.ok && withoutFiles.header.files === undefined);
});

test("every real header's file list resolves", () => {
  for (const fixture of fixtures) {
    const db = load(fixture.db);
    const blobs = headerBlobs(detectFormat(db) ?? "bdb", db, assert.fail);
    let files = 0;
    for (const blob of blobs) {
      const r = parseHeader(blob, { files: true });
      assert.ok(r.ok, fixture.name);
      files += r.header.files?.length ?? 0;
    }
    assert.ok(files > 0, fixture.name);
  }
});

test("synthetic headers: module label, epoch, install-time entries win", () => {
  const blob = build(
    [
      ...basic,
      { tag: Tag.Epoch, type: INT32, value: [1] },
      { tag: Tag.License, type: I18N, value: ["MIT and ISC", "MIT et ISC"] },
      { tag: Tag.ModularityLabel, type: STRING, value: "nodejs:20:8090020240125:a75119d5" },
      { tag: Tag.Vendor, type: STRING, value: "Red Hat, Inc." },
      { tag: Tag.Vendor, type: STRING, value: "Rebuilt Locally" },
    ],
    7,
  );
  const r = parseHeader(blob);
  assert.ok(r.ok, problemOf(blob));
  assert.equal(r.header.epoch, 1);
  assert.equal(r.header.license, "MIT and ISC");
  assert.equal(r.header.modularityLabel, "nodejs:20:8090020240125:a75119d5");
  assert.equal(r.header.vendor, "Rebuilt Locally");
  assert.equal(r.header.source, undefined);
});

test("file lists: compressed and legacy", () => {
  const compressed = build([
    ...basic,
    { tag: Tag.Dirnames, type: STRING_ARRAY, value: ["/usr/bin/", "/etc/"] },
    { tag: Tag.Basenames, type: STRING_ARRAY, value: ["node", "npmrc", "npm"] },
    { tag: Tag.DirIndexes, type: INT32, value: [0, 1, 0] },
  ]);
  const r = parseHeader(compressed, { files: true });
  assert.ok(r.ok);
  assert.deepEqual(r.header.files, ["/usr/bin/node", "/etc/npmrc", "/usr/bin/npm"]);

  const legacy = build([...basic, { tag: Tag.OldFilenames, type: STRING_ARRAY, value: ["/a"] }]);
  const l = parseHeader(legacy, { files: true });
  assert.ok(l.ok);
  assert.deepEqual(l.header.files, ["/a"]);

  const badIndex = build([
    ...basic,
    { tag: Tag.Dirnames, type: STRING_ARRAY, value: ["/usr/bin/"] },
    { tag: Tag.Basenames, type: STRING_ARRAY, value: ["node"] },
    { tag: Tag.DirIndexes, type: INT32, value: [5] },
  ]);
  assert.match(problemOf(badIndex), /names directory 5 of 1/);
  // Without the file list, the package itself is still fine.
  assert.ok(parseHeader(badIndex).ok);
});

test("SOURCERPM names", () => {
  assert.deepEqual(parseSourceRpm("vim-7.0.109-7.2.el5.src.rpm"), {
    name: "vim",
    version: "7.0.109",
    release: "7.2.el5",
  });
  assert.deepEqual(
    parseSourceRpm("java-1.8.0-openjdk-1.8.0.402.b06-2.el8.nosrc.rpm")?.name,
    "java-1.8.0-openjdk",
  );
  for (const odd of ["", "(none)", "foo.src.rpm", "foo-1.src.rpm", "a-1-2.rpm"]) {
    assert.equal(parseSourceRpm(odd), undefined, odd);
  }
});

test("malformed and hostile headers are problems, not crashes", () => {
  const good = build(basic, 3);
  const set32 = (at: number, v: number) => {
    const b = Buffer.from(good);
    b.writeUInt32BE(v >>> 0, at);
    return b;
  };
  const entry = (i: number, field: number) => 8 + i * 16 + field * 4;

  const cases: [string, Buffer, RegExp][] = [
    ["empty", Buffer.alloc(0), /truncated/],
    ["intro only", good.subarray(0, 8), /truncated/],
    ["one byte short", good.subarray(0, good.length - 1), /truncated/],
    ["no entries", set32(0, 0), /claims 0 index entries/],
    ["huge entry count", set32(0, 0x7fffffff), /claims 2147483647 index entries/],
    ["huge data length", set32(4, 0xfffffff0), /bytes of data/],
    ["offset past data", set32(entry(1, 2), 0x100000), /points past the data/],
    ["unknown type", set32(entry(1, 1), 42), /unknown type 42/],
    ["strings beyond data", set32(entry(1, 3), 0xffffff), /claims 16777215 strings/],
    ["region trailer out of range", set32(entry(0, 2), 0xffff), /points past|region trailer/],
    ["region count", set32(entry(0, 3), 8), /region tag 63 has type 7 and count 8/],
  ];
  for (const [name, blob, want] of cases) assert.match(problemOf(blob), want, name);

  // A region trailer that claims more entries than the header has.
  const trailerAt = 8 + 4 * 16 + good.readUInt32BE(entry(0, 2));
  const claims = Buffer.from(good);
  claims.writeInt32BE(-100 * 16, trailerAt + 8);
  assert.match(problemOf(claims), /claims 100 entries of 4/);

  // A release that runs off the end of the data, and no name at all.
  const unterminated = build(basic);
  unterminated[unterminated.length - 1] = 0x41;
  assert.match(problemOf(unterminated), /lacks a name, version or release/);
  assert.match(problemOf(build(basic.slice(1))), /lacks a name/);
});

test("random damage to real headers never throws", () => {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const blobs = [...sqliteBlobs(load(fixtures[2]!.db), () => {})].slice(0, 20);

  for (const pristine of blobs) {
    for (let round = 0; round < 25; round++) {
      const blob = Buffer.from(pristine);
      // Mostly the intro and index, where damage matters most.
      const span = round % 3 ? Math.min(blob.length, 8 + 16 * 40) : blob.length;
      for (let n = 0; n < 1 + (round % 8); n++) blob[Math.floor(random() * span)] = random() * 256;
      parseHeader(blob, { files: true });
    }
  }
});
