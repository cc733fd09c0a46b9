/** A server the quick start runs for the app: where to reach it, and how to shut it down cleanly. */
export interface EmbeddedService {
  url: string;
  stop(): Promise<void>;
}
