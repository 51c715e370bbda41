import { expect } from "vitest";
import type { PulumiMocks } from "./pulumi";

/** The validation error `build` throws, asserting it registered nothing, not even later. */
export async function refusal(mocks: PulumiMocks, build: () => unknown): Promise<string> {
  await mocks.idle();
  const before = mocks.resources.length;
  let message: string | undefined;
  try {
    build();
  } catch (e) {
    message = (e as Error).message;
  }
  // Registration is asynchronous: "nothing" is only known once the program is idle.
  await mocks.idle();
  expect(mocks.resources.slice(before).map((r) => `${r.type} ${r.name}`), "registered before refusing").toEqual([]);
  if (message === undefined) throw new Error("expected a validation error");
  return message;
}
