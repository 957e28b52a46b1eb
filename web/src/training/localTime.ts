/** Today's date and the time now in a unit's zone: sessions, attempts and tests are entered in the unit's local time. */
export function localNow(timeZone: string) {
  const now = new Date();
  const date = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(now);
  return { date, time };
}
