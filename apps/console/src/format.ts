// How numbers and times read on the page. Dates are shown in the browser's zone, as the reference GUI did.

const pad = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD @ HH:mm:ss`, the reference GUI's event date. */
export function formatDate(epoch: number): string {
  const d = new Date(epoch * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} @ ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatTime(epoch: number): string {
  const d = new Date(epoch * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A length of time, two units at most: `42 s`, `3 min 05 s`, `2 h 10 min`, `4 d 3 h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min${s % 60 ? ` ${pad(s % 60)} s` : ''}`;
  }
  if (s < 86400) {
    const minutes = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${minutes ? ` ${pad(minutes)} min` : ''}`;
  }
  const hours = Math.floor((s % 86400) / 3600);
  return `${Math.floor(s / 86400)} d${hours ? ` ${hours} h` : ''}`;
}

export function formatAgo(epoch: number | null, now: number): string {
  if (epoch === null || epoch <= 0) {
    return 'never';
  }
  const seconds = now - epoch;
  return seconds < 1 ? 'just now' : `${formatDuration(seconds)} ago`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) {
    return '–';
  }
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number | null | undefined): string {
  return bytesPerSecond === null || bytesPerSecond === undefined ? '–' : `${formatBytes(bytesPerSecond)}/s`;
}

export function formatPct(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${value.toFixed(1)} %`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** The reference GUI's service label: the first letter of each word capitalised. */
export function titleCase(text: string): string {
  return text.replace(/(^|[\s_\-.:/])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/** A hue from the upper-cased name, so a service keeps its badge colour everywhere (reference GUI). */
export function serviceHue(service: string): number {
  let hash = 0;
  for (const char of service.toUpperCase()) {
    hash = (hash * 31 + (char.codePointAt(0) ?? 0)) | 0;
  }
  return Math.abs(hash) % 360;
}
