import { PacketStatus, RunLengthChunk, StatusVectorChunk, type TransportWideCC } from 'werift';

/** One of our packets as the browser reports it: arrival time in ms on the browser's clock, or lost. */
export interface PacketFeedback {
  /** 16-bit transport-wide sequence number. */
  seq: number;
  arrivalMs?: number;
}

const REFERENCE_MS = 64;

/**
 * Reads a transport-cc feedback packet (as werift parsed it) into per-packet results.
 * werift's own `packetResults` skips status-vector chunks (what Chrome mostly sends) and rounds
 * deltas to whole milliseconds, so the chunks and deltas are walked here instead.
 */
export function feedbackResults(feedback: TransportWideCC): PacketFeedback[] {
  const statuses: number[] = [];
  for (const chunk of feedback.packetChunks) {
    if (chunk instanceof RunLengthChunk) for (let i = 0; i < chunk.runLength; i++) statuses.push(chunk.packetStatus);
    else if (chunk instanceof StatusVectorChunk) statuses.push(...chunk.symbolList);
  }
  statuses.length = Math.min(statuses.length, feedback.packetStatusCount);
  const results: PacketFeedback[] = [];
  let arrivalUs = feedback.referenceTime * REFERENCE_MS * 1000;
  let delta = 0;
  statuses.forEach((status, i) => {
    const seq = (feedback.baseSequenceNumber + i) & 0xffff;
    const received = status === PacketStatus.TypeTCCPacketReceivedSmallDelta || status === PacketStatus.TypeTCCPacketReceivedLargeDelta;
    const recv = received ? feedback.recvDeltas[delta++] : undefined;
    if (!recv || recv.delta === undefined) {
      results.push({ seq });
      return;
    }
    arrivalUs += recv.delta;
    results.push({ seq, arrivalMs: arrivalUs / 1000 });
  });
  return results;
}
