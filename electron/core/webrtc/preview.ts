import { MediaStreamTrack, RTCPeerConnection } from 'werift';
import { HttpError } from '../http-error.js';
import type { VideoOutput } from '../pipeline/video-output.js';
import type { VideoCodecName } from '../pipeline/worker-protocol.js';
import type { IceServer } from './ice-servers.js';
import { videoCodecParameters, waitForGathering } from './peer-config.js';

export interface PreviewSource {
  codec: VideoCodecName;
  output: VideoOutput;
  iceServers?: IceServer[];
  requestKeyframe(): void;
  onClose(listener: () => void): void;
}

/**
 * The panel's preview: another WebRTC receiver of the packets a camera gets back (already
 * encoded, so no second encode). Answers a recvonly video offer; closes with the camera's session.
 */
export async function answerPreview(sdp: string, source: PreviewSource): Promise<string> {
  const pc = new RTCPeerConnection({ codecs: { video: [videoCodecParameters[source.codec]()] }, iceServers: source.iceServers ?? [] });
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const video = pc.getTransceivers().find((t) => t.kind === 'video');
    if (!video) throw new HttpError(400, 'the preview offer has no video');
    video.setDirection('sendonly');
    const track = new MediaStreamTrack({ kind: 'video' });
    video.sender.replaceTrack(track);
    const removeMirror = source.output.addMirror(video.sender, track);
    video.sender.onPictureLossIndication.subscribe(() => source.requestKeyframe());
    const stop = () => {
      removeMirror();
      void pc.close();
    };
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') source.requestKeyframe();
      if (state === 'failed' || state === 'closed') stop();
    });
    source.onClose(stop);
    await pc.setLocalDescription(await pc.createAnswer());
    await waitForGathering(pc);
    return pc.localDescription!.sdp;
  } catch (error) {
    await pc.close();
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, `cannot answer the preview offer: ${(error as Error).message}`);
  }
}
