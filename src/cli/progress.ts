/**
 * A one-line progress display on stderr, only when stderr is a terminal: CI
 * logs get no carriage-return noise.
 */
export class Progress {
  private bytes = 0;
  private lastDraw = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    enabled: boolean,
  ) {
    this.enabled = enabled && process.stderr.isTTY === true;
  }

  add(bytes: number): void {
    this.bytes += bytes;
    const now = Date.now();
    if (!this.enabled || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    process.stderr.write(`\r${this.label}: ${(this.bytes / 1e6).toFixed(0)} MB read`);
  }

  done(): void {
    if (this.enabled && this.lastDraw > 0) process.stderr.write("\r\x1b[K");
    this.lastDraw = 0;
  }
}
