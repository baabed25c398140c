/** One instruction as written: keyword upper-cased, arguments with continuations joined. */
export interface Instruction {
  keyword: string;
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** Index of the build stage (FROM) it belongs to; -1 before the first FROM (ARG). */
  stage: number;
  /** Heredoc bodies (`RUN <<EOF`), which are part of the command. */
  heredocs: string[];
}

export interface Stage {
  image: string;
  name?: string;
  line: number;
}

export interface Dockerfile {
  instructions: Instruction[];
  stages: Stage[];
}

const HEREDOC = /<<(-?)["']?([A-Za-z_][A-Za-z0-9_]{0,63})["']?/g;

/**
 * Reads a Dockerfile the way the builder splits it: comments and blank lines
 * between instructions dropped, lines ending in the escape character joined,
 * heredocs collected. Nothing is evaluated (no ARG substitution).
 */
export function parseDockerfile(text: string): Dockerfile {
  const lines = text.split(/\r?\n/);
  const escape = escapeChar(lines);
  const instructions: Instruction[] = [];
  const stages: Stage[] = [];

  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] ?? "";
    if (isCommentOrBlank(first)) continue;

    const start = i;
    let continues = endsWithEscape(first, escape);
    let joined = continues ? withoutEscape(first) : first;
    while (continues && i + 1 < lines.length) {
      const next = lines[++i] ?? "";
      // Comment lines inside a continued instruction are dropped, as the builder does.
      if (isCommentLine(next)) continue;
      continues = endsWithEscape(next, escape);
      joined += ` ${(continues ? withoutEscape(next) : next).trim()}`;
    }

    const { keyword, args } = splitKeyword(joined.trim());
    const heredocs: string[] = [];
    for (const m of args.matchAll(HEREDOC)) {
      const body: string[] = [];
      while (i + 1 < lines.length && (lines[i + 1] ?? "").trim() !== m[2])
        body.push(lines[++i] ?? "");
      i += 1;
      heredocs.push(body.join("\n"));
    }

    if (keyword === "FROM") stages.push(fromStage(args, start + 1));
    instructions.push({ keyword, args, line: start + 1, stage: stages.length - 1, heredocs });
  }
  return { instructions, stages };
}

/** `# escape=`` ` among the parser directives at the very top switches the escape character. */
function escapeChar(lines: readonly string[]): string {
  for (const line of lines) {
    const m = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!m) break;
    if (m[1]?.toLowerCase() === "escape" && (m[2] === "`" || m[2] === "\\")) return m[2];
  }
  return "\\";
}

function isCommentLine(line: string): boolean {
  return /^\s*#/.test(line);
}

function isCommentOrBlank(line: string): boolean {
  return line.trim() === "" || isCommentLine(line);
}

function endsWithEscape(line: string, escape: string): boolean {
  return line.trimEnd().endsWith(escape);
}

function withoutEscape(line: string): string {
  return line.trimEnd().slice(0, -1);
}

function splitKeyword(text: string): { keyword: string; args: string } {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text);
  return { keyword: (m?.[1] ?? "").toUpperCase(), args: m?.[2] ?? "" };
}

function fromStage(args: string, line: number): Stage {
  const words = args.split(/\s+/).filter((w) => !w.startsWith("--"));
  const stage: Stage = { image: words[0] ?? "", line };
  if (words[1]?.toUpperCase() === "AS" && words[2]) stage.name = words[2];
  return stage;
}
