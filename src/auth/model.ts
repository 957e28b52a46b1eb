import type { Generated } from 'kysely';

export interface AuthTables {
  account: {
    id: Generated<number>;
    username: string;
    password_hash: string | null;
    person_id: number;
    failed_logins: Generated<number>;
    locked_until: string | null;
    disabled: Generated<number>;
    created_at: string;
  };
  auth_session: {
    id: Generated<number>;
    token_hash: string;
    csrf_token: string;
    account_id: number;
    created_at: string;
    expires_at: string;
  };
  api_token: {
    id: Generated<number>;
    name: string;
    token_hash: string;
    account_id: number;
    created_at: string;
    expires_at: string | null;
    revoked_at: string | null;
  };
  /**
   * One-time links: without an account, the first admin's on a new installation; with one, the link
   * an admin hands to a person to set their own password (a new login or a reset), until it expires.
   */
  setup_link: {
    id: Generated<number>;
    token_hash: string;
    created_at: string;
    used_at: string | null;
    account_id: number | null;
    expires_at: string | null;
  };
}

export const LOCKOUT_AFTER_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;
export const SESSION_HOURS = 12;
/** How long a person's set-up link (a new login or a password reset) stays usable. */
export const ACCOUNT_LINK_DAYS = 7;

/** After LOCKOUT_AFTER_FAILURES wrong passwords in a row the account is locked for LOCKOUT_MINUTES. */
export function lockoutAfterFailure(failedLogins: number, now: Date): { failedLogins: number; lockedUntil: string | null } {
  const failed = failedLogins + 1;
  if (failed < LOCKOUT_AFTER_FAILURES) return { failedLogins: failed, lockedUntil: null };
  return { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString() };
}
