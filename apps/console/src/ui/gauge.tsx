import { formatPct } from '../format';

/** A 0-100 % bar with its figure; amber from 75 %, red from 90 %. */
export function Gauge({ label, value }: { label: string; value: number | null | undefined }) {
  const known = value !== null && value !== undefined && Number.isFinite(value);
  const pct = known ? Math.min(100, Math.max(0, value)) : 0;
  const level = !known ? 'none' : pct >= 90 ? 'high' : pct >= 75 ? 'mid' : 'low';
  return (
    <div
      class={`gauge gauge-${level}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={known ? Math.round(pct * 10) / 10 : undefined}
      aria-valuetext={known ? formatPct(value) : 'unknown'}
    >
      <span class="gauge-label">{label}</span>
      <span class="gauge-track" aria-hidden="true">
        <span class="gauge-fill" style={{ width: `${pct}%` }} />
      </span>
      <span class="gauge-value">{known ? formatPct(value) : '–'}</span>
    </div>
  );
}
