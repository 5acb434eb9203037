/** A tiny bar chart of counts (activity per minute, errors per hour). */
export function Sparkline({
  values,
  width = 80,
  height = 20,
  className = 'text-indigo-500',
  label,
}: {
  values: readonly number[];
  width?: number;
  height?: number;
  className?: string;
  label?: string;
}) {
  const max = Math.max(1, ...values);
  const barWidth = values.length > 0 ? width / values.length : width;
  return (
    <svg width={width} height={height} className={className} role="img" aria-label={label ?? `activity: ${values.join(', ')}`}>
      {values.map((v, i) => {
        const h = v === 0 ? 1 : Math.max(2, (v / max) * height);
        return <rect key={i} x={i * barWidth} y={height - h} width={Math.max(1, barWidth - 1)} height={h} fill="currentColor" opacity={v === 0 ? 0.25 : 0.9} />;
      })}
    </svg>
  );
}
