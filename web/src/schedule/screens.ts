import type { Screen } from '../app/screens.ts';
import { AppointmentsPage } from './AppointmentsPage.tsx';
import { MyAppointmentsPage } from './MyAppointmentsPage.tsx';
import { RelayPage } from './RelayPage.tsx';
import { SummonPage } from './SummonPage.tsx';

export const scheduleScreens: Screen[] = [
  { path: '/schedule/summon', component: SummonPage },
  { path: '/schedule/appointments', component: AppointmentsPage },
  { path: '/schedule/relay', component: RelayPage },
  { path: '/schedule/mine', component: MyAppointmentsPage },
];
