/** Every BullMQ queue of the API. Job ids never contain ':' (BullMQ rejects them). */
export const QUEUE = {
  persistence: 'persistence',
  alerts: 'alerts',
  pings: 'pings',
  maintenance: 'maintenance',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];
