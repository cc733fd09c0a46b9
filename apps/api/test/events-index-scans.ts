/**
 * Scans of the (lower(service), date, id) index so far: the statistics are kept per partition, so this sums the
 * partitions of the parent index (one per day, and events_default's).
 */
export const EVENTS_INDEX_SCANS = `
  SELECT coalesce(sum(s.idx_scan), 0)::bigint AS n
    FROM pg_stat_user_indexes s JOIN pg_inherits i ON i.inhrelid = s.indexrelid
   WHERE i.inhparent = 'events_service_lower_date_id'::regclass`;
