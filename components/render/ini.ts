// The one INI serializer (uWSGI and systemd units share the format).

export type IniValue = string | number | boolean;
export type IniSection = { name: string; entries: [string, IniValue][] };

function formatValue(value: IniValue, booleans: "true-false" | "yes-no"): string {
  if (typeof value !== "boolean") return String(value);
  if (booleans === "yes-no") return value ? "yes" : "no";
  return value ? "true" : "false";
}

export function serializeIni(
  sections: IniSection[],
  options: { header?: string; separator?: string; booleans?: "true-false" | "yes-no" } = {},
): string {
  const separator = options.separator ?? " = ";
  const booleans = options.booleans ?? "true-false";
  const header = options.header ? options.header.split("\n").map((line) => `# ${line}\n`).join("") : "";
  const body = sections
    .map((section) => {
      const lines = section.entries.map(([key, value]) => `${key}${separator}${formatValue(value, booleans)}\n`);
      return `[${section.name}]\n${lines.join("")}`;
    })
    .join("\n");
  return header + body;
}
