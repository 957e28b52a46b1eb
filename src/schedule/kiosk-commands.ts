import { systemActor } from '../shared/actor.ts';
import type { DatabaseOptions, WithDatabase } from '../shared/cli-options.ts';
import { write } from '../store/write.ts';
import { addKiosk, listLocations } from './kiosks.ts';

export const listLocationsCommand = (withDatabase: WithDatabase, options: DatabaseOptions & { json?: boolean }) =>
  withDatabase(options, async (db) => {
    const locations = (await listLocations(db)).map(({ name, timeZone, directions }) => ({ name, timeZone, directions }));
    if (options.json) {
      process.stdout.write(`${JSON.stringify(locations)}\n`);
      return;
    }
    if (locations.length === 0) console.log('no locations yet');
    for (const location of locations) console.log(`${location.name.padEnd(24)} ${location.timeZone.padEnd(20)} ${location.directions}`);
  });

export const addKioskCommand = (withDatabase: WithDatabase, options: DatabaseOptions & { location: string; name?: string }) =>
  withDatabase(options, async (db) => {
    const locations = await listLocations(db);
    if (!locations.some((l) => l.name === options.location)) {
      console.error(`muster: no location '${options.location}'; the locations are: ${locations.map((l) => l.name).join(', ') || 'none yet'}`);
      process.exitCode = 2;
      return;
    }
    const kiosk = await write(db, systemActor('cli'), (w) => addKiosk(w, { location: options.location, name: options.name }));
    console.error(`kiosk ${kiosk.id} "${kiosk.name}" at ${kiosk.location.name}; its token, shown only now:`);
    process.stdout.write(`${kiosk.token}\n`);
  });
