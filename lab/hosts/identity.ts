// Which lab this process drives. Several labs can run side by side on one machine (the user's and
// the test suite's), each with its own name, address block, state directory and lock; a lab only
// ever lists, changes or removes things that carry its own name.
export interface LabIdentity {
  /** Prefix of every namespace, link, bridge and cgroup the lab creates. */
  name: string;
  /** Second octet of the lab's 10.N.0.0/16. */
  octet: number;
}

export const DEFAULT_LAB: LabIdentity = { name: "wtlab", octet: 77 };

// Six characters keep the longest root-namespace link name ("<name>-a99v") within IFNAMSIZ (15).
const NAME_RULE = /^[a-z][a-z0-9]{1,5}$/;

export function labIdentity(env: NodeJS.ProcessEnv = process.env): LabIdentity {
  const name = env.WEBTIER_LAB_NAME ?? DEFAULT_LAB.name;
  if (!NAME_RULE.test(name)) {
    throw new Error(`WEBTIER_LAB_NAME (${name}) must be 2 to 6 lowercase letters or digits, starting with a letter`);
  }
  const rawOctet = env.WEBTIER_LAB_OCTET ?? String(DEFAULT_LAB.octet);
  const octet = Number(rawOctet);
  if (!/^\d+$/.test(rawOctet) || octet < 16 || octet > 250) {
    throw new Error(`WEBTIER_LAB_OCTET (${rawOctet}) must be an integer from 16 to 250 (the lab uses 10.<octet>.0.0/16)`);
  }
  return { name, octet };
}

/** The user's lab keeps its historical directory; any other lab gets its own next to it. */
export function labDirFor(identity: LabIdentity): string {
  return identity.name === DEFAULT_LAB.name ? "/var/lib/webtier-lab" : `/var/lib/webtier-lab-${identity.name}`;
}
