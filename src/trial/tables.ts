import type { Generated } from 'kysely';

/**
 * The trial's tables. Who may read which column is decided in src/access (blinding): `arm` of an
 * allocation, and the seed until unblinding, never leave the server for a blinded role.
 */
export interface TrialTables {
  trial: {
    id: Generated<number>;
    code: string;
    title: string;
    /** draft -> recruiting (protocol locked, seed committed) -> closed -> unblinded. */
    status: 'draft' | 'recruiting' | 'closed' | 'unblinded';
    /** Hex of 32 random bytes, drawn at lock; revealed at unblinding so anyone can replay the allocations. */
    seed: string | null;
    /** SHA-256 of the seed, published (shown, audited) before the first enrolment. */
    seed_sha256: string | null;
    created_at: string;
    created_by_label: string;
    locked_at: string | null;
    unblinded_at: string | null;
  };
  /** Every version of the protocol; an amendment is a new version with its reason. */
  trial_protocol: {
    id: Generated<number>;
    trial_id: number;
    version: number;
    protocol_json: string;
    sha256: string;
    reason: string;
    created_at: string;
    created_by_label: string;
  };
  consent_document: {
    id: Generated<number>;
    trial_id: number;
    version: number;
    title: string;
    body: string;
    sha256: string;
    created_at: string;
  };
  trial_consent: {
    id: Generated<number>;
    trial_id: number;
    person_id: number;
    document_id: number;
    decision: 'given' | 'refused';
    /** Null when the participant answered in their own login; else who recorded a paper form. */
    recorded_by_person_id: number | null;
    recorded_by_label: string;
    recorded_at: string;
  };
  trial_screening: {
    id: Generated<number>;
    trial_id: number;
    person_id: number;
    /** Criterion id -> whether it is met, as JSON. */
    answers_json: string;
    eligible: number;
    /** Why a screen failure failed (the criteria not met, or another reason). */
    reason: string | null;
    screened_at: string;
    screened_by_label: string;
  };
  trial_allocation: {
    id: Generated<number>;
    trial_id: number;
    person_id: number;
    /** 0-based order of enrolment: the slot; unique per trial, so two enrolments never share one. */
    sequence: number;
    strata_json: string;
    arm: string;
    kit_code: string;
    /** The draw record that lets anyone replay this decision (src/trial/randomisation.ts). */
    record_json: string;
    protocol_version: number;
    randomised_at: string;
    randomised_by_label: string;
  };
  trial_dispensing: {
    id: Generated<number>;
    trial_id: number;
    person_id: number;
    kit_code: string;
    lot: string;
    expiry: string;
    doses: number;
    dispensed_on: string;
    dispensed_at: string;
    dispensed_by_label: string;
  };
  trial_dose: {
    id: Generated<number>;
    trial_id: number;
    person_id: number;
    taken_on: string;
    source: 'self' | 'supervised';
    recorded_at: string;
    recorded_by_label: string;
  };
  trial_withdrawal: {
    id: Generated<number>;
    trial_id: number;
    person_id: number;
    kind: 'withdrew' | 'lost-to-follow-up' | 'discontinued';
    reason: string;
    /** The participant's choice: may data already collected be used? */
    data_may_be_used: number;
    withdrawn_on: string;
    recorded_at: string;
    recorded_by_label: string;
  };
  adverse_event: {
    id: Generated<number>;
    trial_id: number;
    person_id: number;
    description: string;
    onset: string;
    /** CTCAE grade 1 (mild) to 5 (death). */
    severity: number;
    serious: number;
    relatedness: 'not' | 'unlikely' | 'possibly' | 'probably' | 'definitely';
    outcome: 'recovered' | 'recovering' | 'not-recovered' | 'recovered-with-sequelae' | 'fatal' | 'unknown';
    reported_at: string;
    reported_by_label: string;
  };
  protocol_deviation: {
    id: Generated<number>;
    trial_id: number;
    person_id: number | null;
    kind: string;
    description: string;
    occurred_on: string;
    /** Set for deviations Muster found itself, so finding one again adds nothing. */
    detection_key: string | null;
    recorded_at: string;
    recorded_by_label: string;
  };
  /** An emergency code-break: who, why, when; never the arm, which only the breaker saw once. */
  code_break: {
    id: Generated<number>;
    trial_id: number;
    person_id: number;
    reason: string;
    broken_at: string;
    broken_by_label: string;
  };
  trial_analysis: {
    id: Generated<number>;
    trial_id: number;
    protocol_version: number;
    protocol_sha256: string;
    dataset_sha256: string;
    /** The engine's answer with arm labels (for unblinded readers) as JSON. */
    result_json: string;
    verdict_met: number;
    sentence: string;
    created_at: string;
    created_by_label: string;
  };
}
