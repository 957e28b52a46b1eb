import * as Plot from '@observablehq/plot';

/**
 * The bottom axis of the analysis charts: its label centred under the tick labels with room for
 * both at 12 px (Plot's default puts it at the right end, where it ran into the last visit's label).
 */
export const bottomAxis = { marginBottom: 48, x: { labelAnchor: 'center', labelOffset: 42 } } as const;

/** About the width of an average character of the charts' 12 px sans-serif text, in ems. */
const CHARACTER_EMS = 0.6;
const LINE_PX = 14;

/**
 * A bottom axis of named visits: a name wider than the space between two visits wraps onto more
 * lines (a phone, or many visits), and the margin and the axis label move down to make room.
 */
export function visitAxis(width: number, marginLeft: number, visits: readonly string[], label: string) {
  // A point scale with padding 0.2 leaves (visits - 1 + 0.4) steps between the margins.
  const step = (width - marginLeft - 20) / Math.max(1, visits.length - 1 + 0.4);
  const lineWidth = Math.max(3, (0.9 * step) / 12);
  const widest = Math.max(...visits.map((visit) => visit.length * CHARACTER_EMS));
  const lines = Math.min(4, Math.ceil(widest / lineWidth));
  const marginBottom = bottomAxis.marginBottom + (lines - 1) * LINE_PX;
  return {
    marginBottom,
    mark: Plot.axisX({ label, labelAnchor: 'center', labelOffset: marginBottom - 6, lineWidth }),
  };
}
