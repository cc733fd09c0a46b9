// The public surface of network_intel; constants and formatting helpers stay internal.
export { type AlertDraft, AlertLog } from './alert-log';
export { BandwidthDetector } from './bandwidth';
export { BeaconingDetector } from './beaconing';
export { type Clock, ManualClock, systemClock } from './clock';
export { DEFAULT_BANDWIDTH_THRESHOLD } from './constants';
export { DnsDetector } from './dns';
export type { CaptureEvent, ConnAttempt, DnsQuery, DnsResponse, EventSource, RateSample } from './events';
export { ManualEventSource } from './manual-source';
export { NetworkIntel, type NetworkIntelOptions, type NetworkIntelSnapshot } from './network-intel';
export { PortScanDetector } from './port-scan';
