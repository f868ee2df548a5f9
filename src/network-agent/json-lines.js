// Newline-delimited JSON over a socket, both ways (the agent's control protocol).

/** Calls onMessage for every complete line; a line that is not JSON ends the connection. */
export function readJsonLines(socket, onMessage) {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.trim()) continue;
      let msg;
      try { msg = JSON.parse(line); } catch { socket.destroy(); return; }
      onMessage(msg);
    }
    // a peer that never ends a line must not grow the buffer without bound
    if (buffered.length > 64 * 1024 * 1024) socket.destroy();
  });
}

export function writeJsonLine(socket, msg) {
  if (!socket.destroyed) socket.write(JSON.stringify(msg) + '\n');
}
