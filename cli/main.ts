import { Command } from "commander";
import { ConfigError } from "../components";
import { registerBenchCommand } from "./bench";
import { registerDrillCommand } from "./drill";
import { registerLabCommands } from "./lab";
import { OutDirError } from "./outDir";
import { renderCommand } from "./render";

const program = new Command("webtier")
  .description("nginx + uWSGI web tiers for Python WSGI apps, rendered and pushed over SSH")
  .showHelpAfterError();

program
  .command("render")
  .description("write every file and step script each host would receive")
  .argument("<stack-config>", "a Pulumi.<stack>.yaml file (webtier:hosts lists the hosts)")
  .requiredOption("-o, --out <dir>", "output directory: <dir>/<host>/<absolute path>; must be new or empty")
  .option("--replace", "remove a non-empty <dir> (or a symbolic link there) and render afresh")
  .action(renderCommand);

registerLabCommands(program);
registerDrillCommand(program);
registerBenchCommand(program);

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = 2;
      return;
    }
    if (err instanceof OutDirError) {
      console.error(`webtier render: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(`webtier: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}

void main();
