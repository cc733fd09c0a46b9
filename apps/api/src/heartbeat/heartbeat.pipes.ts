import { Injectable, PipeTransform } from '@nestjs/common';
import { ALERT_TYPES } from '../config/env';
import { parsePulse, parseServiceOnly, PulseInput } from '../common/legacy-fields';

/** Validation once, at the edge: the spec's ordered checks and hints (§5.2, §5.3). */
@Injectable()
export class PulsePipe implements PipeTransform<Record<string, unknown> | undefined, PulseInput> {
  transform(body: Record<string, unknown> | undefined): PulseInput {
    return parsePulse(body ?? {}, ALERT_TYPES);
  }
}

@Injectable()
export class CancelPipe implements PipeTransform<Record<string, unknown> | undefined, string> {
  transform(body: Record<string, unknown> | undefined): string {
    return parseServiceOnly(body ?? {});
  }
}
