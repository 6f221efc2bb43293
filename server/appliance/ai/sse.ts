/**
 * Server-Sent Events read from a response body (the shape both the OpenAI-compatible and the
 * Anthropic streams use): `event:` and `data:` lines, events separated by a blank line.
 * Comment lines (`:`) are skipped; several `data:` lines of one event are joined with "\n".
 */

export interface SseEvent {
  event: string;
  data: string;
}

export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  const flushLine = (line: string): SseEvent | null => {
    if (line === '') {
      if (data.length === 0 && event === '') return null;
      const out = { event: event || 'message', data: data.join('\n') };
      event = '';
      data = [];
      return out;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    return null;
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      const done = flushLine(line);
      if (done) yield done;
    }
  }
  buffer += decoder.decode();
  if (buffer !== '') {
    const done = flushLine(buffer);
    if (done) yield done;
  }
  const last = flushLine('');
  if (last) yield last;
}
