import type { EndReason } from '../webrtc/page-channel.js';
import type { Session } from './session.js';

/** Calls CamLoop ended on purpose, remembered (ids) so that a page that calls back anyway is told (see wasEnded). */
const ENDED_KEPT = 256;

/** The live sessions; closes each on shutdown. */
export class Sessions {
  private readonly byId = new Map<string, Session>();
  private readonly addListeners: ((session: Session) => void)[] = [];
  private readonly ended = new Set<string>();

  add(session: Session): void {
    this.byId.set(session.id, session);
    session.onClose(() => {
      this.byId.delete(session.id);
      if (!session.endReason) return;
      this.ended.add(session.id);
      if (this.ended.size > ENDED_KEPT) this.ended.delete(this.ended.values().next().value!);
    });
    for (const listener of this.addListeners) listener(session);
  }

  /** `listener` runs for each session added from now on. */
  onAdd(listener: (session: Session) => void): void {
    this.addListeners.push(listener);
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  list(): Session[] {
    return [...this.byId.values()];
  }

  /** True when CamLoop ended this session on purpose (a page whose end message was lost may still call back). */
  wasEnded(id: string): boolean {
    return this.ended.has(id);
  }

  /** Closes every session; with a reason (CamLoop quits), their pages are told not to call back. */
  async closeAll(reason?: EndReason): Promise<void> {
    await Promise.allSettled(this.list().map((session) => session.close(reason)));
  }
}
