// netwatch-compatible payload types, validation and serialization (wire-format.md): issue #4.
export * from './types';
export {
  ALERT_CATEGORIES,
  ALERT_SEVERITIES,
  LATENCY_BUCKET_COUNT,
  MAX_REQUEST_BYTES,
  MAX_SNAPSHOTS,
  PACKET_CAPTURE_STATES,
} from './schema';
export { isTimestamp, timestampToEpochMicros } from './timestamp';
export {
  formatValidationError,
  validateAgentHealth,
  validateEnvelope,
  validateHostInfo,
  validateIngestRequest,
  validateIngestResponse,
  validateSnapshot,
  type IngestEnvelope,
  type Result,
  type ValidationError,
} from './validate';
export {
  serializeAgentHealth,
  serializeHostInfo,
  serializeIngestRequest,
  serializeIngestResponse,
  serializeSnapshot,
} from './serialize';
