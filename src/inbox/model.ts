import type { Generated } from 'kysely';

export interface InboxTables {
  /** A message to one person's in-app inbox (a serious adverse event, a code-break, a summons, ...). */
  notification: {
    id: Generated<number>;
    person_id: number;
    kind: string;
    subject: string;
    body: string;
    /** A datapad path the message is about, e.g. "/trials/WHEY-01". */
    link: string | null;
    created_at: string;
    read_at: string | null;
  };
}

export interface Message {
  kind: string;
  subject: string;
  body: string;
  link?: string | null;
}
