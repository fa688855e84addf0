import { ChainError, parseChain, type TransformChain } from '../transforms/chain.js';
import type { Facing } from './offer-request.js';
import type { SessionInfo } from './session-info.js';

/** What the camera page may change on its session. */
export interface PageControlled {
  setTransform(chain: TransformChain): void;
  setFacing(facing: Facing): void;
  pageInfo(): SessionInfo;
}

/**
 * The camera page's 'control' data channel: `{"transform": <chain>, "facing": "user" | "environment"}`
 * (either, or neither: a poll) in, the session's info (or {error}) out.
 */
export function answerPage(text: string, session: PageControlled): object {
  try {
    const message = JSON.parse(text) as { transform?: unknown; facing?: unknown };
    if (message.transform !== undefined) session.setTransform(parseChain(message.transform));
    if (message.facing === 'user' || message.facing === 'environment') session.setFacing(message.facing);
    return { type: 'info', info: session.pageInfo() };
  } catch (error) {
    return { type: 'error', error: error instanceof ChainError || error instanceof SyntaxError ? error.message : 'bad control message' };
  }
}
