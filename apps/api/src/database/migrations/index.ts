import { Initial1795300000000 } from './1795300000000-Initial';
import { AddAgents1796100000000 } from './1796100000000-AddAgents';

export const MIGRATIONS = [Initial1795300000000, AddAgents1796100000000];
