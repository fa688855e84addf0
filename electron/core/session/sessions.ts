import type { Session } from './session.js';

/** The live sessions; closes each on shutdown. */
export class Sessions {
  private readonly byId = new Map<string, Session>();

  add(session: Session): void {
    this.byId.set(session.id, session);
    session.onClose(() => this.byId.delete(session.id));
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  list(): Session[] {
    return [...this.byId.values()];
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.list().map((session) => session.close()));
  }
}
