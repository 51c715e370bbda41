import { describe, expect, it } from "vitest";
import { DEFAULT_LAB, labDirFor, labIdentity } from "../../lab/hosts/identity";

describe("lab identity", () => {
  it("is the user's lab unless the environment names another", () => {
    expect(labIdentity({})).toEqual({ name: "wtlab", octet: 77 });
    expect(labDirFor(DEFAULT_LAB)).toBe("/var/lib/webtier-lab");
    expect(labIdentity({ WEBTIER_LAB_NAME: "wttest", WEBTIER_LAB_OCTET: "78" })).toEqual({ name: "wttest", octet: 78 });
    expect(labDirFor({ name: "wttest", octet: 78 })).toBe("/var/lib/webtier-lab-wttest");
  });

  it("refuses names that would not fit an interface name or could prefix another lab's", () => {
    for (const name of ["w", "wttest1", "WTLAB", "wt-x", "1lab", ""]) {
      expect(() => labIdentity({ WEBTIER_LAB_NAME: name })).toThrow(
        `WEBTIER_LAB_NAME (${name}) must be 2 to 6 lowercase letters or digits, starting with a letter`,
      );
    }
  });

  it("refuses an address block outside 10.16.0.0 to 10.250.0.0", () => {
    for (const octet of ["15", "251", "7.5", "x", "-78", ""]) {
      expect(() => labIdentity({ WEBTIER_LAB_OCTET: octet })).toThrow(
        `WEBTIER_LAB_OCTET (${octet}) must be an integer from 16 to 250 (the lab uses 10.<octet>.0.0/16)`,
      );
    }
    expect(labIdentity({ WEBTIER_LAB_OCTET: "16" }).octet).toBe(16);
    expect(labIdentity({ WEBTIER_LAB_OCTET: "250" }).octet).toBe(250);
  });
});
