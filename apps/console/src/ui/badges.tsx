import { serviceHue, titleCase } from '../format';
import type { HeartbeatState } from '../types';

export function StateBadge({ state }: { state: HeartbeatState }) {
  return <span class={`badge state-${state}`}>{state}</span>;
}

/** Levels are plain integers (protocol §7.2); the colour only grows with them. */
export function levelClass(level: number): string {
  if (level >= 5) {
    return 'level-5';
  }
  return level <= 0 ? 'level-0' : `level-${level}`;
}

export function LevelBadge({ level }: { level: number }) {
  return (
    <span class={`badge level ${levelClass(level)}`} aria-label={`level ${level}`}>
      {level}
    </span>
  );
}

export function ServiceBadge({ service }: { service: string }) {
  return (
    <span class="badge service" style={{ '--hue': String(serviceHue(service)) }} title={service}>
      {titleCase(service)}
    </span>
  );
}
