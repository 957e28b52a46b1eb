import type { CallOptions, ResponseOf } from '../api/client.ts';
import type { ApiPaths } from '../api/paths.gen.ts';
import { useApi } from '../app/useApi.ts';

export type Unit = ResponseOf<'/api/units'>['units'][number];
export type DirectoryEntry = ResponseOf<'/api/people'>['people'][number];
export type PersonRecord = ResponseOf<'/api/people/{id}'>;
export type ChainLink = ResponseOf<'/api/people/{id}/chain'>['chain'][number];

export const useUnits = () => useApi('/api/units');
export const useUnit = (id: number) => useApi('/api/units/{id}', { path: { id } });
export type PeoplePage = ResponseOf<'/api/people'>;
export type PeopleQuery = NonNullable<CallOptions<ApiPaths['/api/people']['get']>['query']>;

/** Everyone in `unitId` (or everyone one may see); for long lists page with usePeoplePage. */
export const usePeople = (unitId?: number) => useApi('/api/people', { query: unitId === undefined ? {} : { unitId } });
/** People a page on the roster's screens. */
export const PEOPLE_PAGE_SIZE = 50;
/** One page of the roster, searched and filtered by the server. */
export const usePeoplePage = (query: PeopleQuery) => useApi('/api/people', { query });
export const usePerson = (id: number) => useApi('/api/people/{id}', { path: { id } });
export const useChain = (id: number) => useApi('/api/people/{id}/chain', { path: { id } });
export const useUnitHistory = (id: number | null) => useApi(id === null ? null : '/api/people/{id}/units', { path: { id: id ?? 0 } });

/** Units as a tree: each unit with its children, roots first, siblings by name. */
export interface UnitNode extends Unit {
  children: UnitNode[];
}

export function unitTree(units: readonly Unit[]): UnitNode[] {
  const nodes = new Map(units.map((unit) => [unit.id, { ...unit, children: [] as UnitNode[] }]));
  const roots: UnitNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    // A unit whose parent the reader may not see is a root of what they see.
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: UnitNode[]) => {
    list.sort((a, b) => a.name.localeCompare(b.name));
    for (const node of list) sort(node.children);
    return list;
  };
  return sort(roots);
}

export const personLabel = (p: { rank: string; name: string; designation?: string }) => `${p.rank ? `${p.rank} ` : ''}${p.name}${p.designation ? ` (${p.designation})` : ''}`;
