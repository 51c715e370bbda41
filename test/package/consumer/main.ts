// Runs program.ts under Pulumi mocks and prints what it registered and the rendered upstream.
import * as pulumi from "@pulumi/pulumi";

const types: string[] = [];
pulumi.runtime.setMocks(
  {
    newResource: async (args) => {
      types.push(args.type);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => {
      throw new Error(`unexpected call ${args.token}`);
    },
  },
  "consumer",
  "test",
  false,
);

import("./program.js").then(({ tier }) => {
  tier.renderedFiles.apply((files) => {
    // Every resource is registered by the time the last command's output resolves.
    tier.stepOutputs.apply(() => {
      const upstream = files["lb-1"]!["/etc/nginx/webtier/upstream.conf"]!.split("\n").filter((l) => l.includes("server "));
      console.log(JSON.stringify({ types: types.sort(), upstream }));
    });
  });
});
