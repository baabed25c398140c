import { createReadStream, realpathSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { VigilError } from "../errors.js";
import { indexTar, type TarMember } from "./tar-index.js";

/** Read access to the files of an image layout, on disk or inside a tar. */
export interface BlobStore {
  describe(name: string): string;
  exists(name: string): Promise<boolean>;
  readSmall(name: string, limit?: number): Promise<Buffer>;
  size(name: string): Promise<number>;
  stream(name: string): Readable;
}

function notRegular(where: string): VigilError {
  return new VigilError("BAD_MANIFEST", `${where} is not a regular file`, {
    hint: "an image layout holds its blobs as plain files",
  });
}

/** Manifests, indexes and configs are small; a huge one is hostile or broken. */
const SMALL_LIMIT = 8 << 20;

export class DirectoryStore implements BlobStore {
  constructor(private readonly root: string) {}

  describe(name: string): string {
    return path.join(this.root, name);
  }

  async exists(name: string): Promise<boolean> {
    return stat(this.resolve(name)).then(
      () => true,
      () => false,
    );
  }

  async readSmall(name: string, limit = SMALL_LIMIT): Promise<Buffer> {
    const size = await this.size(name);
    if (size > limit) {
      throw new VigilError("LIMIT_EXCEEDED", `${this.describe(name)} is ${size} bytes`);
    }
    return readFile(this.resolve(name));
  }

  async size(name: string): Promise<number> {
    let info;
    try {
      info = await stat(this.resolve(name));
    } catch (err) {
      throw new VigilError("NOT_FOUND", `${this.describe(name)} does not exist`, { cause: err });
    }
    if (!info.isFile()) throw notRegular(this.describe(name));
    return info.size;
  }

  stream(name: string): Readable {
    const file = this.resolve(name);
    // A FIFO or a device would block or never end the read: only regular files are blobs.
    let regular = true;
    try {
      regular = statSync(file).isFile();
    } catch {
      // Missing: the read stream reports it.
    }
    if (!regular) throw notRegular(this.describe(name));
    return createReadStream(file);
  }

  /**
   * Names come from manifests, and blobs may be symlinks: neither may lead
   * out of the layout, or a crafted image could make vigil read host files.
   */
  private resolve(name: string): string {
    const root = realpathSync(this.root);
    const full = path.resolve(root, name);
    let real = full;
    try {
      real = realpathSync(full);
    } catch {
      // Missing files are reported by whoever opens them.
    }
    for (const p of [full, real]) {
      if (!p.startsWith(root + path.sep)) {
        throw new VigilError("UNSAFE_PATH", `${this.describe(name)}: points outside the layout`);
      }
    }
    return real;
  }
}

export class TarStore implements BlobStore {
  private constructor(
    private readonly file: string,
    private readonly members: Map<string, TarMember>,
  ) {}

  static async open(file: string): Promise<TarStore> {
    return new TarStore(file, await indexTar(file));
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  describe(name: string): string {
    return `${this.file}:${name}`;
  }

  async exists(name: string): Promise<boolean> {
    return this.find(name) !== undefined;
  }

  async readSmall(name: string, limit = SMALL_LIMIT): Promise<Buffer> {
    const member = this.member(name);
    if (member.size > limit) {
      throw new VigilError("LIMIT_EXCEEDED", `${this.describe(name)} is ${member.size} bytes`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream(name)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async size(name: string): Promise<number> {
    return this.member(name).size;
  }

  stream(name: string): Readable {
    const member = this.member(name);
    if (member.size === 0) return createReadStream(this.file, { start: 1, end: 0 });
    return createReadStream(this.file, {
      start: member.offset,
      end: member.offset + member.size - 1,
    });
  }

  private find(name: string): TarMember | undefined {
    const member = this.members.get(path.posix.normalize(name).replace(/^\.\//, ""));
    // Legacy docker-archives link duplicate layers to the first copy.
    if (member?.type === "hardlink" && member.linkname) return this.members.get(member.linkname);
    return member;
  }

  private member(name: string): TarMember {
    const member = this.find(name);
    if (!member || member.type !== "file") {
      throw new VigilError("NOT_FOUND", `${this.describe(name)} is not in the archive`);
    }
    return member;
  }
}
