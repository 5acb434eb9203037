import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricsReport } from '../projects/hub-api';

/** Succeeded vs failed runs per bucket (uPlot on canvas, the dashboard's one chart library). */
export function TrendChart({ trend }: { trend: MetricsReport['trend'] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current!;
    const plot = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 220,
        series: [{}, { label: 'succeeded', stroke: '#10b981', fill: 'rgba(16,185,129,0.15)' }, { label: 'failed', stroke: '#ef4444', fill: 'rgba(239,68,68,0.15)' }],
        axes: [{}, { label: 'runs' }],
        scales: { x: { time: true } },
      },
      [trend.map((p) => p.t / 1000), trend.map((p) => p.succeeded), trend.map((p) => p.failed)],
      element,
    );
    return () => plot.destroy();
  }, [trend]);
  return <div ref={box} data-testid="trend-chart" />;
}
