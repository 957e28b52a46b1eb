import type { ComponentType } from 'react';
import type { Role } from './session.tsx';

/**
 * One screen of the datapad. Each capability lists its screens in web/src/<capability>/screens.ts
 * and App.tsx collects the lists. `nav` puts a screen in the menu of the roles that use it; the
 * server still decides what each role may read.
 */
export interface Screen {
  path: string;
  component: ComponentType<{ params: Record<string, string> }>;
  nav?: { label: string; roles: readonly Role[] };
}
