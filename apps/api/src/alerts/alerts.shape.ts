import { isNumber, isObject, isString, MalformedJobError, oneOf, shapeError } from '../common/job-payload';
import { QUEUE } from '../common/queues';
import { AlertJob } from './alerts.types';

const ALERT_JOB = {
  kind: oneOf('down', 'up', 'event'),
  type: isString,
  target: isString,
  title: isString,
  body: isString,
  service: isString,
  date: isNumber,
  context: isObject,
};

/** An `alerts` job's payload, checked before any channel sees it (an unknown type fails in AlertChannels). */
export function checkAlertJob(data: unknown): AlertJob {
  const error = shapeError(data, ALERT_JOB);
  if (error) {
    throw new MalformedJobError(QUEUE.alerts, error);
  }
  return data as AlertJob;
}
