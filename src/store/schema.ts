/**
 * The whole database: empty here, because the kernel knows no capability. src/capabilities.ts
 * merges every capability's tables into it (declaration merging), so the type follows the list.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface Database {}
