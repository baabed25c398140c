// Test-only: a real registry (CNCF Distribution, Debian's docker-registry) on
// loopback with a config of the test's own (plain, or TLS with htpasswd
// users), certificates made by openssl, and images pushed with skopeo.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import bcrypt from "bcryptjs";
import { tempDir } from "./tmp.js";

export interface Certificates {
  /** A directory holding ca.crt, as skopeo's --dest-cert-dir wants. */
  dir: string;
  ca: string;
  cert: string;
  key: string;
}

export interface RegistryUser {
  username: string;
  password: string;
}

export interface RegistryConfig {
  tls?: Certificates;
  user?: RegistryUser;
}

export interface AccessLine {
  method: string;
  path: string;
  status: number;
  userAgent: string;
}

const running = new Set<ChildProcess>();
// A test that fails before its stop() must not leave a registry behind.
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export class TestRegistry {
  private constructor(
    readonly host: string,
    /** Its access lines and its own log. */
    readonly logFile: string,
    private readonly child: ChildProcess,
    readonly config: RegistryConfig,
  ) {}

  static async start(config: RegistryConfig = {}): Promise<TestRegistry> {
    const dir = tempDir("vigil-registry-");
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const host = `127.0.0.1:${port}`;
      writeFileSync(path.join(dir, "config.yml"), registryConfig(dir, host, config));
      // To a file, not a pipe: a pipe nobody reads while skopeo runs would block the registry.
      const log = path.join(dir, `registry-${attempt}.log`);
      const fd = openSync(log, "w");
      const child = spawn("docker-registry", ["serve", path.join(dir, "config.yml")], {
        stdio: ["ignore", fd, fd],
      });
      closeSync(fd);
      running.add(child);
      child.on("exit", () => running.delete(child));
      const registry = new TestRegistry(host, log, child, config);
      if (await registry.up()) return registry;
      await registry.stop();
      // Another process took the port between the check and the start.
      if (attempt >= 2) throw new Error(`registry did not start:\n${registry.logText()}`);
    }
  }

  private logText(): string {
    return readFileSync(this.logFile, "utf8");
  }

  /** Requests the registry answered, from its access log. */
  requests(filter: (l: AccessLine) => boolean = () => true): AccessLine[] {
    const lines: AccessLine[] = [];
    const text = this.logText();
    const re = /"(GET|HEAD|PUT|POST|PATCH|DELETE) (\S+) HTTP\/[\d.]+" (\d+) \d+ "[^"]*" "([^"]*)"/g;
    for (const m of text.matchAll(re)) {
      const [, method, p, status, userAgent] = m as unknown as string[];
      lines.push({
        method: method as string,
        path: p as string,
        status: Number(status),
        userAgent: userAgent as string,
      });
    }
    return lines.filter(filter);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.on("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }

  /** Copies an image (an OCI layout's `latest`) into the registry with skopeo. */
  push(layoutDir: string, name: string, opts: { all?: boolean } = {}): void {
    const args = ["--insecure-policy", "copy", "-q"];
    if (opts.all) args.push("--all");
    if (this.config.user) {
      args.push("--dest-creds", `${this.config.user.username}:${this.config.user.password}`);
    }
    if (this.config.tls) args.push("--dest-cert-dir", this.config.tls.dir);
    else args.push("--dest-tls-verify=false");
    args.push(`oci:${layoutDir}:latest`, `docker://${this.host}/${name}`);
    execFileSync("skopeo", args, { stdio: ["ignore", "ignore", "pipe"] });
  }

  private async up(): Promise<boolean> {
    for (let i = 0; i < 50; i++) {
      if (this.child.exitCode !== null) return false;
      if (this.logText().includes("listening on")) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }
}

function registryConfig(dir: string, host: string, config: RegistryConfig): string {
  const lines = [
    "version: 0.1",
    "log:",
    "  level: info",
    "  formatter: text",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${path.join(dir, "storage")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${host}`,
    "  secret: vigil-test-only",
  ];
  if (config.tls) {
    lines.push("  tls:", `    certificate: ${config.tls.cert}`, `    key: ${config.tls.key}`);
  }
  if (config.user) {
    const file = path.join(dir, "htpasswd");
    const hash = bcrypt.hashSync(config.user.password, 6);
    writeFileSync(file, `${config.user.username}:${hash}\n`);
    lines.push("auth:", "  htpasswd:", "    realm: vigil-test", `    path: ${file}`);
  }
  return `${lines.join("\n")}\n`;
}

/** A port nothing listens on now: the kernel's pick, so parallel test runs differ. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || !address) throw new Error("no port");
  return address.port;
}

/** A CA and a server certificate for 127.0.0.1 and localhost it signed. */
export function makeCertificates(): Certificates {
  const dir = tempDir("vigil-certs-");
  const file = (name: string) => path.join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });

  openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=vigil test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  openssl([
    "req",
    ...ec,
    "-keyout",
    file("server.key"),
    "-out",
    file("server.csr"),
    "-subj",
    "/CN=127.0.0.1",
  ]);
  writeFileSync(
    file("server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  openssl([
    "x509",
    "-req",
    "-in",
    file("server.csr"),
    "-CA",
    file("ca.crt"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-out",
    file("server.crt"),
    "-days",
    "2",
    "-extfile",
    file("server.ext"),
  ]);
  // skopeo reads every *.crt of --dest-cert-dir as a CA; the server's must not be one.
  const certs = tempDir("vigil-ca-");
  writeFileSync(path.join(certs, "ca.crt"), readFileSync(file("ca.crt")));
  return { dir: certs, ca: file("ca.crt"), cert: file("server.crt"), key: file("server.key") };
}
