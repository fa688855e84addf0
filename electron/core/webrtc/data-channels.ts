import type { RTCPeerConnection } from 'werift';
import type { Logger } from '../base/log.js';

/** A data channel the browser opened, with the reliability it asked for (honoured by werift's SCTP). */
export interface DataChannelInfo {
  label: string;
  ordered: boolean;
  maxRetransmits: number | null;
  maxPacketLifeTime: number | null;
}

/**
 * The data channels a peer opens: aiortc's example protocol on any of them ("ping <n>" -> "pong
 * <n>"), and on the camera page's `control` channel, each text message answered with what
 * `onControl` returns (as JSON). Returns the list of channels, kept up to date.
 */
export function serveDataChannels(pc: RTCPeerConnection, log: Logger, onControl: (text: string) => object): DataChannelInfo[] {
  const channels: DataChannelInfo[] = [];
  pc.onDataChannel.subscribe((channel) => {
    channels.push({
      label: channel.label,
      ordered: channel.ordered,
      maxRetransmits: channel.maxRetransmits ?? null,
      maxPacketLifeTime: channel.maxPacketLifeTime ?? null,
    });
    log.debug(
      `data channel "${channel.label}" ordered=${channel.ordered} maxRetransmits=${channel.maxRetransmits} maxPacketLifeTime=${channel.maxPacketLifeTime}`,
    );
    channel.onMessage.subscribe((message) => {
      if (typeof message !== 'string') return;
      if (message.startsWith('ping')) channel.send(`pong${message.slice(4)}`);
      else if (channel.label === 'control') channel.send(JSON.stringify(onControl(message)));
    });
  });
  return channels;
}
