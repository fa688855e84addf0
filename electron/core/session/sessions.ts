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
    // The phone called again: its viewer links (by device id) play again.
    if (session.device) this.ended.delete(session.device.id);
    session.onClose(() => {
      this.byId.delete(session.id);
      if (!session.endReason) return;
      for (const id of [session.id, session.device?.id]) if (id) this.ended.add(id);
      while (this.ended.size > ENDED_KEPT) this.ended.delete(this.ended.values().next().value!);
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

  /**
   * A camera by its session id, or by the id of the phone it is (the camera page's device id: the
   * same across its calls and CamLoop's restarts, so a viewer link made of it keeps working).
   */
  find(id: string): Session | undefined {
    return (
      this.byId.get(id) ??
      this.list()
        .reverse()
        .find((session) => session.device?.id === id)
    );
  }

  list(): Session[] {
    return [...this.byId.values()];
  }

  /** True when CamLoop ended this session (or this phone's last one) on purpose: a page whose end message was lost may call back. */
  wasEnded(id: string): boolean {
    return this.ended.has(id);
  }

  /** Closes every session; with a reason (CamLoop quits), their pages are told not to call back. */
  async closeAll(reason?: EndReason): Promise<void> {
    await Promise.allSettled(this.list().map((session) => session.close(reason)));
  }
}
