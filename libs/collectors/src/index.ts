/**
 * Linux host collectors (collectors.md): pure parsers over text, collectors over the FileReader and
 * CommandRunner seams, the stateful trackers, and the network_intel detectors. Other platforms get
 * empty results, never exceptions.
 */
export * from './proc-fs';
export * from './command-runner';
export * from './shell-runner';
export * from './parse-number';
export * from './host-id';
export * from './host-info';
export * from './interfaces';
export * from './rate-tracker';
export * from './tcp-states';
export * from './connections';
export * from './proc-net-tcp';
export * from './process-bandwidth';
export * from './processes';
export * from './health';
export * from './gateway-dns';
export * from './disk';
export * from './system';
export * from './network-intel';
export * from './capture';
export * from './sampler';
export * from './sampler-thread';
export * from './pacer';
