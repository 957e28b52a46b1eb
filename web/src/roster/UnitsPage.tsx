import { Link } from '../app/router.tsx';
import { Async, Facts, Page } from '../app/ui.tsx';
import { personLabel, unitTree, useUnits, type UnitNode } from './hooks.ts';

export function UnitsPage() {
  const units = useUnits();
  return (
    <Page title="Units">
      <Async loaded={units}>{(data) => (data.units.length ? <UnitList nodes={unitTree(data.units)} /> : <p>No units you may see.</p>)}</Async>
    </Page>
  );
}

function UnitList({ nodes }: { nodes: UnitNode[] }) {
  return (
    <ul className="tree">
      {nodes.map((unit) => (
        <li key={unit.id}>
          <div className="card unit">
            <Link to={`/units/${unit.id}`}>{unit.name}</Link> <span className="muted">{unit.kind}</span>
            <Facts items={[
              ['Strength', unit.strength],
              ['Commander', unit.commander ? personLabel(unit.commander) : '—'],
              ['Trainers', unit.trainers.length ? unit.trainers.map((t) => personLabel(t)).join(', ') : '—'],
            ]} />
          </div>
          {unit.children.length > 0 && <UnitList nodes={unit.children} />}
        </li>
      ))}
    </ul>
  );
}
