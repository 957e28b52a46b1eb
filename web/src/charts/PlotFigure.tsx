/**
 * A chart drawn by Observable Plot, sized to its container, with the table of its numbers
 * underneath (a disclosure, so keyboard and screen-reader users reach the same numbers).
 */
import * as Plot from '@observablehq/plot';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { DataTable } from '../app/ui.tsx';

export interface FigureTable {
  columns: string[];
  rows: (string | number)[][];
}

export function PlotFigure({ title, description, plot, table, children }: { title: string; description: string; plot: (width: number) => Plot.PlotOptions; table: FigureTable; children?: ReactNode }) {
  const container = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = container.current;
    if (!element || width === 0) return;
    const svg = Plot.plot({ style: { fontSize: `${FONT_PX}px` }, ...plot(width), width, ariaLabel: title, ariaDescription: description });
    // Plot names each group of marks ("bar", "rule"): noise to a screen reader, and not allowed on a
    // plain <g>. The figure's label and the table of numbers carry the meaning.
    for (const group of svg.querySelectorAll('g[aria-label]')) group.removeAttribute('aria-label');
    element.replaceChildren(svg);
    return () => svg.remove();
  }, [plot, width, title, description]);

  return (
    <figure className="figure card">
      <figcaption>
        <strong>{title}</strong>
        <span className="muted"> {description}</span>
      </figcaption>
      <div ref={container} className="plot" />
      {children}
      <details>
        <summary>Table of the numbers</summary>
        <DataTable label={`${title}: numbers`} columns={table.columns} rows={table.rows} />
      </details>
    </figure>
  );
}

const FONT_PX = 12;

/**
 * The left margin and the y axis of a chart whose rows are named (units, contrasts): at most
 * `share` of the width, and a name longer than the margin wraps onto a second line instead of
 * being cut at the edge (a phone).
 */
export function namedRowsAxis(width: number, widest: number, share: number) {
  const marginLeft = Math.round(Math.min(widest, width * share));
  // lineWidth is in ems; the tick and its padding take about 9 px.
  return { marginLeft, axis: Plot.axisY({ label: null, lineWidth: (marginLeft - 9) / FONT_PX }) };
}

/** Numbers in tables and tooltips: four significant decimals are plenty for a reader. */
export const fixed = (value: number, digits = 3) => Number(value.toFixed(digits));
