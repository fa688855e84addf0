// @ts-check
// The core's event stream (text/event-stream) read with fetch: EventSource cannot send the control
// token as a header, and the token must not go into a URL. Reconnects (1 s, backing off to 10 s)
// when the stream ends; each new stream starts with a `hello` snapshot.

/**
 * @param {string} url
 * @param {string} token  the control token
 * @param {(type: string, data: any) => void} onEvent
 * @param {(error: Error) => void} onError  the stream broke (it is tried again)
 */
export function followEventStream(url, token, onEvent, onError) {
  let delay = 1000;
  const read = async () => {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error((await response.json().catch(() => ({}))).error ?? `HTTP ${response.status}`);
    delay = 1000;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('CamLoop closed the event stream');
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        onEvent(type, JSON.parse(data));
      }
    }
  };
  const follow = () =>
    read().catch((error) => {
      onError(error);
      setTimeout(follow, delay);
      delay = Math.min(10_000, delay * 2);
    });
  follow();
}
