import type { ComponentType } from 'react';

/**
 * One screen of the datapad. Each capability lists its screens in web/src/<capability>/screens.ts
 * and App.tsx collects the lists. The menu is the server's (`GET /api/me` screens, from each
 * capability's manifest), so it never offers a screen the role may not open.
 */
export interface Screen {
  path: string;
  component: ComponentType<{ params: Record<string, string> }>;
}
