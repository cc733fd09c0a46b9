import { Initial1795300000000 } from './1795300000000-Initial';

export const MIGRATIONS = [Initial1795300000000];
