// @ts-check
// The pairing side of the panel: the phone URL with its QR code for the chosen network, the WHIP
// URL and token, and the viewer token each camera's Viewer link carries.

/** @typedef {import('../shared/api-types').PairingInfo} PairingInfo */

/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
/** @type {PairingInfo | null} */
let pairing = null;

export function showPairing() {
  const choice = pairing.urls.find((u) => u.address === $('address').value) ?? pairing.urls[0];
  $('lan-hint').hidden = pairing.reachable && pairing.urls.length > 0;
  $('cert-hint').hidden = pairing.scheme !== 'https';
  for (const link of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('a.viewer')))
    link.href = viewerLink(/** @type {HTMLElement} */ (link.closest('.camera')).dataset.viewerId);
  if (!choice) {
    $('whip-url').textContent = pairing.whipUrl;
    $('whip-token').textContent = pairing.token;
    return;
  }
  $('qr').src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(choice.qrSvg)}`;
  $('phone-url').textContent = choice.url;
  $('whip-url').textContent = pairing.reachable ? choice.whipUrl : pairing.whipUrl;
  $('whip-token').textContent = pairing.token;
}

/** @param {(path: string, init?: RequestInit) => Promise<any>} api @param {string} [path] @param {RequestInit} [init] */
export async function loadPairing(api, path = '/api/pairing', init) {
  pairing = await api(path, init);
  const selected = $('address').value || pairing.network;
  $('address').replaceChildren(...pairing.urls.map((u) => new Option(`${u.address} (${u.interface})`, u.address)));
  if (pairing.urls.some((u) => u.address === selected)) $('address').value = selected;
  showPairing();
}

/** The camera's player page, with the viewer token in the fragment (never sent over the network). */
export function viewerLink(id) {
  return `${location.origin}/view/${id}#t=${encodeURIComponent(pairing?.viewerToken ?? '')}`;
}
