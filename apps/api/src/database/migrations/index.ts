import { Initial1795300000000 } from './1795300000000-Initial';
import { AddAgents1796100000000 } from './1796100000000-AddAgents';
import { AddHostsSnapshots1796200000000 } from './1796200000000-AddHostsSnapshots';
import { AddEventsServiceLower1796300000000 } from './1796300000000-AddEventsServiceLower';
import { AddAgentSettings1796400000000 } from './1796400000000-AddAgentSettings';
import { AddEventServices1796500000000 } from './1796500000000-AddEventServices';
import { PartitionEvents1796600000000 } from './1796600000000-PartitionEvents';

export const MIGRATIONS = [
  Initial1795300000000,
  AddAgents1796100000000,
  AddHostsSnapshots1796200000000,
  AddEventsServiceLower1796300000000,
  AddAgentSettings1796400000000,
  AddEventServices1796500000000,
  PartitionEvents1796600000000,
];
