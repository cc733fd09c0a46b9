import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { Observable, map } from 'rxjs';
import { serializeEnvelope } from './envelope';

/** Wraps every handler result in the watchTower envelope: `result: 200`, sorted keys, one line (§3.6). */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<object>): Observable<string> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((data) => {
        reply.header('content-type', 'application/json');
        return serializeEnvelope({ ...data, result: 200 });
      }),
    );
  }
}
