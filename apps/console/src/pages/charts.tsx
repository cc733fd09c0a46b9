import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatPct, formatRate } from '../format';
import type { Series } from '../types';

// uPlot time series for the host page, loaded with it only (a separate chunk). Times are epoch seconds, uPlot's
// default unit.

export type Unit = 'pct' | 'load' | 'rate';

export interface Line {
  label: string;
  points: Series;
  /** 1 or 2: the --chart-1 / --chart-2 colour of the theme. */
  color: 1 | 2;
}

const HEIGHT = 180;
const FORMAT: Record<Unit, (value: number) => string> = {
  pct: (value) => formatPct(value),
  load: (value) => value.toFixed(2),
  rate: (value) => formatRate(value),
};
/** Tick labels: shorter than the legend's figures, and sized so none is clipped. */
const AXIS: Record<Unit, { size: number; format: (value: number) => string }> = {
  pct: { size: 56, format: (value) => `${Math.round(value)} %` },
  load: { size: 48, format: (value) => String(Math.round(value * 100) / 100) },
  rate: { size: 84, format: (value) => formatRate(value) },
};

/** One x axis for every line (the union of their times), a null where a line has no point. */
export function align(lines: Line[]): uPlot.AlignedData {
  const times = [...new Set(lines.flatMap((line) => line.points.map(([time]) => time)))].sort((a, b) => a - b);
  const index = new Map(times.map((time, position) => [time, position]));
  const columns = lines.map((line) => {
    const column: (number | null)[] = new Array<number | null>(times.length).fill(null);
    for (const [time, value] of line.points) {
      column[index.get(time) ?? 0] = value;
    }
    return column;
  });
  return [times, ...columns];
}

function themeColor(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function describe(title: string, unit: Unit, lines: Line[]): string {
  const parts = lines.map((line) => {
    const values = line.points.map(([, value]) => value);
    if (values.length === 0) {
      return `${line.label}: no data`;
    }
    const last = values[values.length - 1];
    return `${line.label}: latest ${FORMAT[unit](last)}, highest ${FORMAT[unit](Math.max(...values))}`;
  });
  return `${title}. ${parts.join('; ')}`;
}

export function TimeChart(props: { title: string; unit: Unit; lines: Line[]; from: number; to: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { title, unit, lines, from, to } = props;
  const empty = lines.every((line) => line.points.length === 0);

  useEffect(() => {
    const target = box.current;
    if (!target) {
      return;
    }
    const build = (): void => {
      plot.current?.destroy();
      const grid = themeColor('--grid');
      const text = themeColor('--muted');
      const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
      const format = FORMAT[unit];
      plot.current = new uPlot(
        {
          width: Math.max(200, target.clientWidth),
          height: HEIGHT,
          legend: { show: true, live: true },
          cursor: { drag: { x: false, y: false } },
          scales: {
            x: { time: true, range: [from, to] },
            y:
              unit === 'pct'
                ? { range: [0, 100] }
                : { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : unit === 'rate' ? 1024 : 1] },
          },
          axes: [
            { ...axis },
            { ...axis, size: AXIS[unit].size, values: (_u, ticks) => ticks.map((tick) => AXIS[unit].format(tick)) },
          ],
          series: [
            {},
            ...lines.map((line) => ({
              label: line.label,
              stroke: themeColor(`--chart-${line.color}`),
              fill: `${themeColor(`--chart-${line.color}`)}22`,
              width: 1.5,
              points: { show: line.points.length < 30 },
              value: (_u: uPlot, value: number | null) => (value === null ? '–' : format(value)),
            })),
          ],
        },
        align(lines),
        target,
      );
    };
    build();
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(200, target.clientWidth), height: HEIGHT }),
    );
    resize.observe(target);
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', build);
    return () => {
      resize.disconnect();
      scheme.removeEventListener('change', build);
      plot.current?.destroy();
      plot.current = null;
    };
  }, [lines, unit, from, to]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div class="chart-box" ref={box} role="img" aria-label={describe(title, unit, lines)} />
      {empty && <p class="chart-empty">No data in this range</p>}
    </figure>
  );
}
