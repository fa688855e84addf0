import type { Logger } from '../base/log.js';

const MAX_ERRORS = 20;

/** What went wrong in a session that the user should see (SessionInfo.errors): logged, the newest MAX_ERRORS kept. */
export class SessionErrors {
  readonly list: string[] = [];

  constructor(private readonly log: Logger) {}

  /** `logAs`: a prefix for the log only (what the user sees stays as said). */
  report(errors: string[], logAs = ''): void {
    for (const error of errors) this.log.warn(`${logAs}${error}`);
    this.list.push(...errors);
    this.list.splice(0, Math.max(0, this.list.length - MAX_ERRORS));
  }
}
