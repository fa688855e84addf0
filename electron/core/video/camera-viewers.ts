import type { EndReason } from '../webrtc/page-channel.js';
import { Viewer, type ViewerKind, type ViewerOptions, type ViewerSource } from '../webrtc/viewer.js';

/** The receivers of one camera's processed video (the panel's preview, WHEP players): see Viewer. */
export class CameraViewers {
  private readonly viewers = new Map<string, Viewer>();
  /** Each viewer's close, run when the camera goes (a viewer that leaves first removes its own). */
  private readonly closers = new Set<(reason?: EndReason) => void>();

  constructor(
    private readonly source: Omit<ViewerSource, 'onClose'>,
    private readonly iceServers: ViewerOptions['iceServers'],
  ) {}

  async add(sdp: string, options: Omit<ViewerOptions, 'iceServers'>): Promise<{ viewer: Viewer; sdp: string }> {
    const onClose = (listener: (reason?: EndReason) => void) => {
      this.closers.add(listener);
      return () => this.closers.delete(listener);
    };
    const answered = await Viewer.answer(sdp, { ...this.source, onClose }, { ...options, iceServers: this.iceServers });
    const { viewer } = answered;
    this.viewers.set(viewer.id, viewer);
    viewer.onClose(() => this.viewers.delete(viewer.id));
    return answered;
  }

  get(id: string): Viewer | undefined {
    return this.viewers.get(id);
  }

  get count(): number {
    return this.viewers.size;
  }

  /** Closes every viewer; with a reason, CamLoop ends them on purpose and their pages are told why. */
  async closeAll(reason?: EndReason): Promise<void> {
    const closing = [...this.viewers.values()].map((viewer) => viewer.close(reason));
    for (const close of [...this.closers]) close(reason);
    this.closers.clear();
    await Promise.all(closing);
  }

  /** Ends the viewers of one kind (the players, when their token is replaced), telling their pages why. */
  async end(kind: ViewerKind, reason: EndReason): Promise<void> {
    await Promise.all([...this.viewers.values()].filter((viewer) => viewer.kind === kind).map((viewer) => viewer.close(reason)));
  }
}
