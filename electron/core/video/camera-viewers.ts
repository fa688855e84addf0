import { Viewer, type ViewerOptions, type ViewerSource } from '../webrtc/viewer.js';

/** The receivers of one camera's processed video (the panel's preview, WHEP players): see Viewer. */
export class CameraViewers {
  private readonly viewers = new Map<string, Viewer>();
  /** Each viewer's close, run when the camera goes (a viewer that leaves first removes its own). */
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly source: Omit<ViewerSource, 'onClose'>,
    private readonly iceServers: ViewerOptions['iceServers'],
  ) {}

  async add(sdp: string, options: Omit<ViewerOptions, 'iceServers'>): Promise<{ viewer: Viewer; sdp: string }> {
    const onClose = (listener: () => void) => {
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

  closeAll(): void {
    for (const close of [...this.closers]) close();
    this.closers.clear();
  }
}
