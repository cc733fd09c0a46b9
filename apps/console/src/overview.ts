import { get } from './api';
import { syncClock } from './clock';
import { Store } from './store';
import type { Overview } from './types';

// The overview is read by the home page and, for its presets, by the events page; it also carries the server's
// version and clock. A console that finds another version than the one it started with reloads itself
// (protocol §12), so a deploy never leaves an old page talking to a new API.

export const overview = new Store<Overview | null>(null);
let firstVersion: string | null = null;

export async function loadOverview(signal?: AbortSignal): Promise<Overview> {
  const answer = await get<Overview>('/api/v1/console/overview', {}, signal);
  syncClock(answer.now);
  if (firstVersion === null) {
    firstVersion = answer.version;
  } else if (answer.version !== firstVersion) {
    location.reload();
  }
  overview.set(answer);
  return answer;
}
