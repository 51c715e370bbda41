// IPv4 CIDR arithmetic for validation and the subnet layout. Pure: no @pulumi imports.

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  address: number;
  prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

function hostMask(prefix: number): number {
  return prefix === 0 ? 0xffffffff : 2 ** (32 - prefix) - 1;
}

/** True when the host bits are zero (AWS stores and reports the normalised form). */
export function isNetworkAddress(cidr: Cidr): boolean {
  return cidr.address % (hostMask(cidr.prefix) + 1) === 0;
}

export function formatCidr(cidr: Cidr): string {
  const a = cidr.address;
  return `${Math.floor(a / 2 ** 24) % 256}.${Math.floor(a / 2 ** 16) % 256}.${Math.floor(a / 2 ** 8) % 256}.${a % 256}/${cidr.prefix}`;
}

/** The `index`-th subnet of `parent` that is `newBits` longer (Terraform's cidrsubnet). */
export function subnetCidr(parent: string, newBits: number, index: number): string {
  const p = parseCidr(parent);
  if (!p) throw new Error(`${parent} is not an IPv4 CIDR`);
  const prefix = p.prefix + newBits;
  if (prefix > 32 || index < 0 || index >= 2 ** newBits) {
    throw new Error(`${parent} has no subnet ${index} of /${prefix}`);
  }
  return formatCidr({ address: p.address + index * 2 ** (32 - prefix), prefix });
}

// Subnets are /prefix+4: 16 slots. Public subnet i takes slot i, private subnet i slot 8 + i, so
// raising azCount later adds subnets without renumbering (and replacing) the existing ones.
export const SUBNET_NEW_BITS = 4;
export const PRIVATE_SLOT_OFFSET = 8;

export function subnetLayout(vpcCidr: string, azCount: number): { public: string[]; private: string[] } {
  const slots = Array.from({ length: azCount }, (_, i) => i);
  return {
    public: slots.map((i) => subnetCidr(vpcCidr, SUBNET_NEW_BITS, i)),
    private: slots.map((i) => subnetCidr(vpcCidr, SUBNET_NEW_BITS, PRIVATE_SLOT_OFFSET + i)),
  };
}
