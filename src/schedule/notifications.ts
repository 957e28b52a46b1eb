/**
 * The schedule's notifications: every message goes to the in-app inbox in the write's transaction,
 * and, where SMTP is configured and the person has an address, by e-mail once the transaction has
 * committed (an e-mail cannot be taken back, so it never goes out for a write that rolled back).
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { notify, type Message } from '../inbox/index.ts';
import type { Writer } from '../store/write.ts';
import type { ScheduleSettings } from './model.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** E-mails gathered during a write, sent after it commits. */
export type Outbox = Mail[];

/** Puts the message in each person's inbox now, and queues an e-mail to each who has an address. */
export async function tell(w: Writer, outbox: Outbox, personIds: readonly number[], message: Message): Promise<void> {
  const people = [...new Set(personIds)];
  if (people.length === 0) return;
  await notify(w, people, message);
  const addresses = await w.db.selectFrom('person').select('email').where('id', 'in', people).where('email', 'is not', null).execute();
  for (const { email } of addresses) outbox.push({ to: email!, subject: message.subject, text: message.body });
}

const transports = new Map<string, Transporter>();

/**
 * Sends the outbox over SMTP when configured. A failed send is reported to `onError` and the rest
 * go on: the message is already in the person's inbox, which is the record.
 */
export async function deliver(outbox: Outbox, settings: ScheduleSettings, onError: (error: unknown, mail: Mail) => void): Promise<number> {
  if (!settings.smtpUrl || outbox.length === 0) return 0;
  let transport = transports.get(settings.smtpUrl);
  if (!transport) transports.set(settings.smtpUrl, (transport = nodemailer.createTransport(settings.smtpUrl)));
  let sent = 0;
  for (const mail of outbox) {
    try {
      await transport.sendMail({ from: settings.mailFrom, to: mail.to, subject: mail.subject, text: mail.text });
      sent += 1;
    } catch (error) {
      onError(error, mail);
    }
  }
  return sent;
}
