import type { RTCDataChannel, RTCPeerConnection } from 'werift';

/** Why CamLoop ended a call: its user disconnected it or quit ('host'), or replaced the viewer token it came with ('token'). */
export type EndReason = 'host' | 'token';

/** How long the end message gets to leave before the goodbye (DTLS close_notify) closes the transport under it. */
const END_FLUSH_MS = 50;

/**
 * The 'control' data channels a page opened (the camera page, the player page): CamLoop pushes
 * news to the page on them, and says when it ends the call on purpose (`{"type": "end", reason}`,
 * before the DTLS goodbye), so that the page does not call back as it does after a network drop.
 */
export class PageChannel {
  private readonly channels: RTCDataChannel[] = [];

  constructor(pc: RTCPeerConnection) {
    pc.onDataChannel.subscribe((channel) => {
      if (channel.label === 'control') this.channels.push(channel);
    });
  }

  /** Sends `message` (as JSON) on each open channel; returns how many it went to. */
  send(message: object): number {
    const open = this.channels.filter((channel) => channel.readyState === 'open');
    for (const channel of open) channel.send(JSON.stringify(message));
    return open.length;
  }

  /** Tells the page the call is over and why; resolves once the message has had time to leave. */
  async end(reason: EndReason): Promise<void> {
    if (this.send({ type: 'end', reason })) await new Promise((resolve) => setTimeout(resolve, END_FLUSH_MS));
  }
}
