import type { Generated } from 'kysely';

/**
 * Summons, appointments and the kiosk at the door. An appointment is at an exact instant
 * (`starts_at`, UTC) at a location whose IANA zone gives its local time (e.g. 23:00 Europe/London).
 */
export interface ScheduleTables {
  location: {
    id: Generated<number>;
    name: string;
    time_zone: string;
    /** Where to go, as a shared screen may show it (building, room). */
    directions: string;
    created_at: string;
  };
  appointment: {
    id: Generated<number>;
    person_id: number;
    location_id: number;
    starts_at: string;
    duration_minutes: number;
    purpose: 'trial-visit' | 'assessment' | 'test' | 'briefing';
    title: string;
    /** For a trial visit: the trial, the visit's name and its window (local dates). */
    trial_id: number | null;
    visit_name: string | null;
    window_earliest: string | null;
    window_latest: string | null;
    ordered_by_person_id: number | null;
    ordered_by_label: string;
    status: 'ordered' | 'relayed' | 'acknowledged' | 'checked-in' | 'completed' | 'missed' | 'cancelled';
    /** When a summons not yet relayed by the participant's trainer is relayed automatically. */
    auto_relay_at: string | null;
    created_at: string;
  };
  /** Every step of an appointment: who moved it to which status, when. */
  appointment_event: {
    id: Generated<number>;
    appointment_id: number;
    status: string;
    at: string;
    by_label: string;
    note: string | null;
  };
  appointment_reminder: {
    id: Generated<number>;
    appointment_id: number;
    /** Minutes before the start the reminder was due. */
    minutes_before: number;
    sent_at: string;
  };
  /** A device account bound to one location; its token is shown once and stored hashed. */
  kiosk: {
    id: Generated<number>;
    location_id: number;
    name: string;
    token_hash: string;
    created_at: string;
    revoked_at: string | null;
  };
  /** A participant's badge (in the demo: their designation), stored hashed. */
  badge: {
    id: Generated<number>;
    person_id: number;
    badge_hash: string;
    created_at: string;
  };
  check_in: {
    id: Generated<number>;
    appointment_id: number;
    person_id: number;
    kiosk_id: number;
    /** When the person arrived (the kiosk's clock; may be earlier than received_at after an outage). */
    at: string;
    received_at: string;
    /** The kiosk's key: the same key again is the same check-in, counted once. */
    idempotency_key: string;
    /** Positive late, negative early, against the appointment's start. */
    minutes_late: number;
  };
  /** A private iCalendar feed of one account's appointments; revocable. */
  calendar_feed: {
    id: Generated<number>;
    account_id: number;
    token_hash: string;
    created_at: string;
    revoked_at: string | null;
  };
}
