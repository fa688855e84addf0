import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import type { Logger } from '../base/log.js';

/** A data channel the browser opened, with the reliability it asked for (honoured by werift's SCTP). */
export interface DataChannelInfo {
  label: string;
  ordered: boolean;
  maxRetransmits: number | null;
  maxPacketLifeTime: number | null;
}

export interface DataChannels {
  /** The channels opened, kept up to date. */
  info: DataChannelInfo[];
  /**
   * Sends to the camera page's `control` channels, unasked (results as they come); skipped on a
   * channel with more than `maxBuffered` bytes still waiting: a phone that cannot keep up misses
   * some, and nothing piles up here.
   */
  pushControl(text: string, maxBuffered: number): void;
}

/**
 * The data channels a peer opens: aiortc's example protocol on any of them ("ping <n>" -> "pong
 * <n>"), and on the camera page's `control` channel, each text message answered with what
 * `onControl` returns (as JSON).
 */
export function serveDataChannels(pc: RTCPeerConnection, log: Logger, onControl: (text: string) => object): DataChannels {
  const info: DataChannelInfo[] = [];
  const controls = new Set<RTCDataChannel>();
  pc.onDataChannel.subscribe((channel) => {
    info.push({
      label: channel.label,
      ordered: channel.ordered,
      maxRetransmits: channel.maxRetransmits ?? null,
      maxPacketLifeTime: channel.maxPacketLifeTime ?? null,
    });
    log.debug(
      `data channel "${channel.label}" ordered=${channel.ordered} maxRetransmits=${channel.maxRetransmits} maxPacketLifeTime=${channel.maxPacketLifeTime}`,
    );
    if (channel.label === 'control') {
      controls.add(channel);
      channel.stateChanged.subscribe((state) => state === 'closed' && controls.delete(channel));
    }
    channel.onMessage.subscribe((message) => {
      if (typeof message !== 'string') return;
      if (message.startsWith('ping')) send(channel, `pong${message.slice(4)}`);
      else if (channel.label === 'control') send(channel, JSON.stringify(onControl(message)));
    });
  });
  return {
    info,
    pushControl(text, maxBuffered) {
      for (const channel of controls) if (channel.readyState === 'open' && channel.bufferedAmount <= maxBuffered) send(channel, text);
    },
  };
}

/** werift throws on a message over the peer's max-message-size (256 kB from Chrome): said on the channel instead. */
function send(channel: RTCDataChannel, text: string): void {
  try {
    channel.send(text);
  } catch (error) {
    if (text.length > 1024)
      send(channel, JSON.stringify({ type: 'error', error: `a message of ${text.length} bytes did not fit: ${(error as Error).message}` }));
  }
}
