// The public surface of the packet capture; the decoders' helpers stay internal.
export { decodeFrame, LINKTYPE } from './frame';
export { decodePcap, PcapReader } from './pcap-reader';
export { type ChildExit, type ChildHandle, hostSpawner, type Spawner } from './spawner';
export { CAPTURE_FILTER, tcpdumpArgs, TcpdumpSource, type TcpdumpSourceOptions } from './tcpdump-source';
