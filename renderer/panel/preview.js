// @ts-check
// The panel's preview: one camera's processed stream, received as another WebRTC peer of the core
// (no second encode).
import { waitForIceGathering } from './shared/ice-gathering.js';

/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);

/** The camera shown, and the receive-only connection that shows it. @type {{id: string | null, pc: RTCPeerConnection | null}} */
export const preview = { id: null, pc: null };

/** @param {string} id @param {(path: string, init?: RequestInit) => Promise<any>} api */
export async function showPreview(id, api) {
  preview.pc?.close();
  const pc = new RTCPeerConnection();
  Object.assign(preview, { id, pc });
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addEventListener('track', (event) => {
    $('preview').srcObject = new MediaStream([event.track]);
    $('preview').hidden = false;
  });
  await pc.setLocalDescription(await pc.createOffer());
  await waitForIceGathering(pc);
  const answer = await api(`/api/sessions/${id}/preview`, {
    method: 'POST',
    body: JSON.stringify({ type: 'offer', sdp: pc.localDescription.sdp }),
  });
  await pc.setRemoteDescription(answer);
  for (const card of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.camera')))
    card.classList.toggle('previewing', card.dataset.id === id);
}

export function stopPreview() {
  preview.pc?.close();
  Object.assign(preview, { id: null, pc: null });
  $('preview').srcObject = null;
  $('preview').hidden = true;
}
