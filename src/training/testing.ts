import type { Client, Session } from '../server/testing.ts';

/** Plans a session through the API and records it as held with the given minutes. */
export async function heldSession(client: Client, as: Session, input: { unitId: number; date: string; time: string; minutes?: number; title?: string }) {
  const planned = await client.request({ method: 'POST', url: '/api/training/sessions', as, payload: { unitId: input.unitId, title: input.title ?? 'Circuit', date: input.date, time: input.time, plannedMinutes: input.minutes ?? 60 } });
  if (planned.statusCode !== 201) throw new Error(`planning a session failed: ${planned.body}`);
  const id: number = planned.json().id;
  const held = await client.request({ method: 'PATCH', url: `/api/training/sessions/${id}`, as, payload: { actualDate: input.date, actualTime: input.time, actualMinutes: input.minutes ?? 60 } });
  if (held.statusCode !== 200) throw new Error(`recording a session failed: ${held.body}`);
  return held.json();
}

export async function rate(client: Client, as: Session, sessionId: number, personId: number, rpe: number, minutes: number | null = null) {
  const response = await client.request({ method: 'PUT', url: `/api/training/sessions/${sessionId}/attendance/${personId}`, as, payload: { status: 'present', rpe, minutes } });
  if (response.statusCode !== 200) throw new Error(`rating failed: ${response.body}`);
}

export async function exerciseId(client: Client, as: Session, name: string): Promise<number> {
  const { exercises } = (await client.request({ method: 'GET', url: '/api/exercises', as })).json() as { exercises: { id: number; name: string }[] };
  const found = exercises.find((e) => e.name === name);
  if (!found) throw new Error(`no exercise ${name}`);
  return found.id;
}
