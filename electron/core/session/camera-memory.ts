import type { SettingsStore } from '../base/settings-store.js';
import { ChainError, parseChain, type TransformChain } from '../transforms/chain.js';
import type { CameraDevice, OfferRequest } from './offer-request.js';
import type { Session } from './session.js';

const key = (device: CameraDevice) => `${device.id}/${device.facing}`;

/**
 * Each phone camera's last filter and parameters, by the device id the camera page keeps and the
 * camera it uses (front or back), kept in the settings: a phone that calls again (after a restart
 * of CamLoop, a reload of the page) gets its camera's filter back, and a flip mid-call switches to
 * the other camera's.
 */
export class CameraMemory {
  constructor(private readonly store: SettingsStore) {}

  /** The offer with the remembered filter when it named none and the camera is known. */
  restore(offer: OfferRequest): OfferRequest {
    const chain = offer.device && !offer.videoTransformGiven ? this.chainOf(offer.device) : undefined;
    return chain ? { ...offer, videoTransform: chain } : offer;
  }

  /** Remembers each filter the session gets, from anyone; on a flip, recalls the other camera's. */
  follow(session: Session): void {
    const device = session.device;
    if (!device) return;
    let current = key(device);
    const remember = () => this.remember(current, session.info().transform);
    remember();
    session.onChange(() => {
      if (key(device) !== current) {
        current = key(device);
        const chain = this.chainOf(device);
        // setTransform calls back here with the same key: the recalled filter is remembered again (as used now).
        if (chain) return session.setTransform(chain);
      }
      remember();
    });
  }

  private chainOf(device: CameraDevice): TransformChain | undefined {
    const kept = this.store.settings.cameras[key(device)];
    try {
      return kept && parseChain(kept.chain);
    } catch (error) {
      // A filter that is gone (a plugin removed) or a hand-edited entry: the offer's own filter.
      if (error instanceof ChainError) return undefined;
      throw error;
    }
  }

  private remember(camera: string, chain: TransformChain): void {
    if (JSON.stringify(this.store.settings.cameras[camera]?.chain) === JSON.stringify(chain)) return;
    void this.store.update({ cameras: { ...this.store.settings.cameras, [camera]: { chain, at: Date.now() } } });
  }
}
