/** The chat page: plain HTML and the browser's own WebSocket, nothing to build. */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@ws chat</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
  #log { border: 1px solid #ccc; border-radius: 6px; height: 22rem; overflow-y: auto; padding: .5rem; }
  #log p { margin: .2rem 0; }
  .system { color: #777; font-style: italic; }
  .me { color: #0a5; }
  form { display: flex; gap: .5rem; margin-top: .5rem; }
  input { flex: 1; padding: .4rem; }
  #status { font-size: .85rem; color: #777; }
</style>
</head>
<body>
<h1>@ws chat</h1>
<p id="status">connecting…</p>
<div id="log" aria-live="polite"></div>
<form id="form">
  <input id="text" autocomplete="off" placeholder="Say something (every open tab gets it)" maxlength="2000" autofocus>
  <button>Send</button>
</form>
<script>
  const log = document.getElementById('log');
  const status = document.getElementById('status');
  const input = document.getElementById('text');
  let me = '';
  function line(text, className) {
    const p = document.createElement('p');
    p.textContent = text;
    if (className) p.className = className;
    log.append(p);
    log.scrollTop = log.scrollHeight;
  }
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url, ['chat.v1']);
  socket.addEventListener('open', () => { status.textContent = 'connected (' + socket.protocol + ')'; });
  socket.addEventListener('close', (event) => {
    status.textContent = 'disconnected: ' + event.code + (event.reason ? ' ' + event.reason : '');
  });
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    if (message.type === 'welcome') { me = message.name; line('You are ' + me + '.', 'system'); }
    else if (message.type === 'system') line(message.text + ' (' + message.online + ' online)', 'system');
    else if (message.type === 'chat') line(message.from + ': ' + message.text, message.from === me ? 'me' : '');
  });
  document.getElementById('form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value && socket.readyState === WebSocket.OPEN) socket.send(input.value);
    input.value = '';
  });
</script>
</body>
</html>
`;
