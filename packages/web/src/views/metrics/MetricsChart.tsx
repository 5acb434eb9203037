import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartLine {
  label: string;
  values: (number | null)[];
  color: string;
  /** Right-hand axis. */
  right?: boolean;
  format?: (v: number) => string;
}

/**
 * One uPlot chart over the series' time steps. A click picks the step under the cursor, so the
 * view can list the spans behind that point.
 */
export function MetricsChart({ title, t, lines, onPick, testId }: { title: string; t: number[]; lines: ChartLine[]; onPick(index: number): void; testId: string }) {
  const box = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  useEffect(() => {
    const element = box.current!;
    const hasRight = lines.some((l) => l.right);
    const plot = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 180,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        series: [
          {},
          ...lines.map((line) => ({
            label: line.label,
            stroke: line.color,
            width: 1.5,
            scale: line.right ? 'right' : 'left',
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : line.format ? line.format(v) : String(Math.round(v * 100) / 100)),
          })),
        ],
        axes: [
          {},
          { scale: 'left', values: (_u, ticks) => ticks.map((v) => (lines.find((l) => !l.right)?.format ?? String)(v)) },
          ...(hasRight ? [{ scale: 'right', side: 1 as const, grid: { show: false }, values: (_u: uPlot, ticks: number[]) => ticks.map((v) => (lines.find((l) => l.right)?.format ?? String)(v)) }] : []),
        ],
        scales: { x: { time: true } },
      },
      [t.map((ms) => ms / 1000), ...lines.map((l) => l.values)] as uPlot.AlignedData,
      element,
    );
    const over = plot.over;
    const onClick = () => {
      const index = plot.cursor.idx;
      if (index !== null && index !== undefined) pick.current(index);
    };
    over.addEventListener('click', onClick);
    over.style.cursor = 'pointer';
    return () => {
      over.removeEventListener('click', onClick);
      plot.destroy();
    };
  }, [t, lines]);
  return (
    <section className="min-w-0 rounded border border-zinc-200 p-2 dark:border-zinc-800">
      <h3 className="mb-1 text-xs font-semibold">{title}</h3>
      <div ref={box} data-testid={testId} />
    </section>
  );
}
