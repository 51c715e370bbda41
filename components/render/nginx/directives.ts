// The nginx directive tree and its one serializer: nothing else in webtier knows nginx syntax.

export type Arg = string | number;

export interface Directive {
  name: string;
  args: Arg[];
  /** Present for block directives (`http { … }`), absent for simple ones (`listen 80;`). */
  children?: Directive[];
}

export function d(name: string, ...args: Arg[]): Directive {
  return { name, args };
}

export function block(name: string, args: Arg[], children: Directive[]): Directive {
  return { name, args, children };
}

/** A raw "name args…" line from the config's escape hatch, already checked to hold no ; { }. */
export function parseRawDirective(line: string): Directive {
  const [name, ...rest] = line.trim().split(/\s+/);
  return { name: name!, args: rest };
}

// Arguments with whitespace, quotes or separators must be quoted for nginx's tokenizer.
function formatArg(arg: Arg): string {
  const text = String(arg);
  if (text !== "" && !/[\s;{}"'\\#]/.test(text)) return text;
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function serializeAt(directives: Directive[], depth: number): string {
  const indent = "    ".repeat(depth);
  return directives
    .map((dir) => {
      const head = [dir.name, ...dir.args.map(formatArg)].join(" ");
      if (!dir.children) return `${indent}${head};\n`;
      return `${indent}${head} {\n${serializeAt(dir.children, depth + 1)}${indent}}\n`;
    })
    .join("");
}

export function serializeNginx(directives: Directive[], header?: string): string {
  const comment = header ? header.split("\n").map((line) => `# ${line}\n`).join("") : "";
  return comment + serializeAt(directives, 0);
}
