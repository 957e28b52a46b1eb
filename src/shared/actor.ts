/** Who acts: the roles of Muster and the actor of every request and write. */
export const roles = ['admin', 'investigator', 'trainer', 'assessor', 'monitor', 'statistician', 'participant'] as const;
export type Role = (typeof roles)[number];

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** Who is acting: a signed-in account, or the system (CLI, migrations, demo loader). */
export interface Actor {
  accountId: number | null;
  personId: number | null;
  /** What the audit trail shows: the username, or e.g. "system:cli". */
  label: string;
  roles: readonly Role[];
  /**
   * Set for a kiosk, a device account bound to one location (src/schedule): it holds no role and
   * passes only routes whose rule is `kioskOnly` (src/access/policy.ts).
   */
  kiosk?: { id: number; locationId: number };
}

export const systemActor = (what: string): Actor => ({
  accountId: null,
  personId: null,
  label: `system:${what}`,
  roles: ['admin'],
});
