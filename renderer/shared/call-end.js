// @ts-check
// CamLoop's word that it ended a call on purpose, on the page's 'control' data channel (before its
// DTLS goodbye): the camera page and the player page stop on it instead of calling back.

/**
 * @param {unknown} data  a data channel message
 * @returns {{reason: string} | null}  the end message, or null for any other message
 */
export function endMessage(data) {
  try {
    const message = typeof data === 'string' ? JSON.parse(data) : null;
    return message?.type === 'end' ? { reason: String(message.reason ?? 'host') } : null;
  } catch {
    return null;
  }
}
