// The page's two modes. Polling: POST /jobs, then GET /jobs/:id every pollIntervalMs until done.
// Push: wharf/client's request() over the gateway's WebSocket; the worker's reply is pushed back.
/* global document, fetch, performance, WebSocket, window */

const $ = (id) => document.getElementById(id);
const SAMPLES = [
  'The food was delicious and the staff were lovely.',
  'Terrible service, cold food and a rude waiter.',
  'Not bad at all, actually quite good.',
  'The battery died after two days, what a waste of money.',
  'A gripping film with a wonderful cast.',
  'The app keeps crashing and support never answers.',
];

const config = await (await fetch('config.json')).json();
$('poll-interval').textContent = String(config.pollIntervalMs);
$('push-url').textContent = config.gatewayUrl;

const stats = {
  poll: { latencies: [], requests: 0, results: 0 },
  push: { latencies: [], requests: 0, results: 0 },
};
/** WebSocket frames of the push mode, counted both ways by a thin subclass handed to connect(). */
const frames = { sent: 0, received: 0 };

for (const s of SAMPLES) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = s.length > 34 ? `${s.slice(0, 32)}…` : s;
  b.title = s;
  b.addEventListener('click', () => { $('review').value = s; });
  $('samples').append(b);
}

function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function renderSummary(mode) {
  const st = stats[mode];
  $(`${mode}-count`).textContent = String(st.results);
  $(`${mode}-median`).textContent = st.latencies.length > 0 ? `${median(st.latencies).toFixed(0)} ms` : '–';
  const perResult = mode === 'poll' ? st.requests / Math.max(1, st.results) : (frames.sent + frames.received) / Math.max(1, st.results);
  $(`${mode}-requests`).textContent = st.results > 0 ? perResult.toFixed(1) : '–';
}

function setStatus(mode, text, error = false) {
  const el = $(`${mode}-status`);
  el.textContent = text;
  el.classList.toggle('error', error);
}

/** A row for one submission, updated in place when its result arrives. */
function addRow(mode, text) {
  const li = document.createElement('li');
  li.dataset.status = 'pending';
  li.innerHTML = '<span class="text"></span><span class="latency">…</span><span class="label">waiting</span><span class="detail"></span>';
  li.querySelector('.text').textContent = text;
  $(`${mode}-results`).prepend(li);
  return {
    done(result, ms, detail) {
      li.dataset.status = result.ok ? 'done' : 'error';
      li.dataset.label = result.ok ? result.label : '';
      li.dataset.latencyMs = ms.toFixed(1);
      const label = li.querySelector('.label');
      label.textContent = result.ok ? `${result.label} · ${(result.confidence * 100).toFixed(0)}%` : `error: ${result.error}`;
      label.className = `label ${result.ok ? result.label : ''}`;
      li.querySelector('.latency').textContent = `${ms.toFixed(0)} ms`;
      li.querySelector('.detail').textContent = detail;
    },
    fail(message) {
      li.dataset.status = 'error';
      li.querySelector('.label').textContent = message;
      li.querySelector('.latency').textContent = '–';
    },
  };
}

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

async function predictByPolling(text) {
  const row = addRow('poll', text);
  const started = performance.now();
  let requests = 1;
  try {
    const submitted = await fetch('jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    if (!submitted.ok) throw new Error(`POST /jobs: ${submitted.status}`);
    const { id } = await submitted.json();
    for (;;) {
      await sleep(config.pollIntervalMs);
      requests++;
      const r = await fetch(`jobs/${id}`);
      if (!r.ok) throw new Error(`GET /jobs/${id}: ${r.status}`);
      const job = await r.json();
      if (job.status === 'done') {
        const ms = performance.now() - started;
        stats.poll.latencies.push(ms);
        stats.poll.requests += requests;
        stats.poll.results++;
        row.done(job.result, ms, `${requests} HTTP requests (${requests - 1} ${requests === 2 ? 'poll' : 'polls'})`);
        break;
      }
      if (job.status !== 'pending') throw new Error(`job ${job.status}`);
    }
  } catch (err) {
    stats.poll.requests += requests;
    row.fail(err instanceof Error ? err.message : String(err));
  }
  renderSummary('poll');
}

let wharf = null;
async function connectGateway() {
  class CountingWebSocket extends WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { frames.received++; });
    }

    send(data) {
      frames.sent++;
      super.send(data);
    }
  }
  try {
    const { connect } = await import('./wharf-client/index.js');
    wharf = await connect(config.gatewayUrl, { WebSocket: CountingWebSocket });
    setStatus('push', `connected to ${config.gatewayUrl}`);
  } catch (err) {
    setStatus('push', `cannot reach the gateway: ${err instanceof Error ? err.message : String(err)}`, true);
  }
}

async function predictByPush(text) {
  const row = addRow('push', text);
  if (wharf === null) {
    row.fail('not connected to the gateway');
    return;
  }
  const started = performance.now();
  const before = frames.sent + frames.received;
  try {
    const reply = await wharf.request('', config.requestQueue, JSON.stringify({ text }), { timeout: 15_000 });
    const ms = performance.now() - started;
    stats.push.latencies.push(ms);
    stats.push.results++;
    const n = frames.sent + frames.received - before;
    row.done(reply.json(), ms, `${n} WebSocket messages, 0 polls`);
  } catch (err) {
    row.fail(err instanceof Error ? err.message : String(err));
  }
  renderSummary('push');
}

function submit(modes) {
  const text = $('review').value.trim();
  if (text === '') return;
  for (const mode of modes) void (mode === 'poll' ? predictByPolling(text) : predictByPush(text));
}

$('submit-poll').addEventListener('click', () => submit(['poll']));
$('submit-push').addEventListener('click', () => submit(['push']));
$('submit-both').addEventListener('click', () => submit(['poll', 'push']));
setStatus('poll', 'ready');
await connectGateway();
window.predictionPage = { stats, frames, ready: true };
