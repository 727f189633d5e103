// The router's HTTP API for one room, on the page's own origin.

export class APIError extends Error {
  // retryAfter: the seconds the answer's Retry-After asks to wait, or 0.
  constructor(status, code, message, retryAfter = 0) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

function retryAfterSeconds(res) {
  const s = Number(res.headers.get('Retry-After'));
  return Number.isFinite(s) && s > 0 ? Math.min(s, 600) : 0;
}

async function call(method, path, body, signal) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
      signal,
    });
  } catch (e) {
    if (signal?.aborted) throw new APIError(0, 'aborted', 'Stopped.');
    throw new APIError(0, 'network', 'The server cannot be reached. Check your connection and try again.');
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    // not JSON: a proxy's error page; the status says enough
  }
  if (!res.ok) {
    const code = data?.code || `http_${res.status}`;
    const message = data?.message || `The server answered ${res.status} ${res.statusText}.`;
    throw new APIError(res.status, code, message, retryAfterSeconds(res));
  }
  return data;
}

export const roomPath = (ns, name) => `/v1/rooms/${ns}/${name}`;

export function roomFacts(ns, name) {
  return call('GET', roomPath(ns, name));
}

export function join(ns, name, playerName) {
  return call('POST', `${roomPath(ns, name)}/join`, { name: playerName });
}

// watch asks for a spectator's session: a token with no seat, the
// websocket path and the delay of the spectators' table.
export function watch(ns, name) {
  return call('POST', `${roomPath(ns, name)}/watch`);
}

// lobby lists the listed rooms of game, the ones to sit at first.
export function lobby(game) {
  return call('GET', `/v1/rooms?game=${encodeURIComponent(game)}`);
}

// newRequestID names one quick play: its retries carry the same one.
export const newRequestID = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');

// quickPlay asks for a seat at any table of the game, seats and rules;
// the answer is a join's, plus the room's namespace and name.
export function quickPlay(body, signal) {
  return call('POST', '/v1/play', body, signal);
}
