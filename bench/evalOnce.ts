// One evaluation of the Pulumi program (index.ts) under mocks for N app hosts; prints milliseconds.
// Run by bench/programEval.ts, one process per evaluation (mocks are process-global).
import * as pulumi from "@pulumi/pulumi";
import { existingHostsConfig } from "../test/support/programConfig";

async function main(): Promise<void> {
  const appCount = Number(process.argv[2]);
  let registered = 0;
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered++;
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => {
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "webtier",
    "bench",
    false,
  );
  pulumi.runtime.setAllConfig(existingHostsConfig(appCount, { outputs: { stepOutputs: true } }), ["webtier:sshPrivateKey"]);
  const started = process.hrtime.bigint();
  const program = await import("../index.js");
  // Resolves once every host's last command has: the whole program has run.
  await new Promise((resolve) => program.stepOutputs!.apply(resolve));
  // Wait for the last registrations (retire commands) to land.
  let seen = -1;
  while (seen !== registered) {
    seen = registered;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6 - 20;
  console.log(JSON.stringify({ appCount, resources: registered, ms: Math.round(elapsed) }));
}

void main();
