import type { Logger } from '../base/log.js';

const MAX_ERRORS = 20;

/** What went wrong in a session that the user should see (SessionInfo.errors): logged, the newest MAX_ERRORS kept. */
export class SessionErrors {
  readonly list: string[] = [];

  constructor(private readonly log: Logger) {}

  report(errors: string[]): void {
    for (const error of errors) this.log.warn(error);
    this.list.push(...errors);
    this.list.splice(0, Math.max(0, this.list.length - MAX_ERRORS));
  }
}
