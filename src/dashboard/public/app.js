// The classroom dashboard: one live state document from the control plane (a server-sent event stream,
// read with fetch and reconnected here) rendered with preact + htm, served locally (no bundler, no CDN).
// The session is a token in sessionStorage sent as `Authorization: Bearer`, never a cookie: cookies
// ignore ports, so the browser would hand a 127.0.0.1 cookie to every nodePort, that is to the pods.
import { h, render } from '/vendor/preact.mjs';
import { useEffect, useState } from '/vendor/preact-hooks.mjs';
import htm from '/vendor/htm.mjs';

const html = htm.bind(h);
const SESSION_KEY = 'mini-kube-dashboard-session';
/** { token, csrf } once logged in */
let session;

/** Spends a ?login= code once (and takes it out of the address bar), else resumes this tab's session. */
async function login() {
  const code = new URLSearchParams(location.search).get('login');
  if (code) {
    history.replaceState(null, '', '/');
    const res = await fetch('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    const out = await res.json();
    if (!res.ok) throw new Error(out.error);
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(out));
  }
  const saved = sessionStorage.getItem(SESSION_KEY);
  return saved ? JSON.parse(saved) : undefined;
}

/** Reads /events (text/event-stream) until it ends, calling onEvent(type, data) per event. */
async function readEvents(signal, onEvent) {
  const res = await fetch('/events', { headers: { authorization: `Bearer ${session.token}` }, cache: 'no-store', signal });
  if (res.status === 401) return 'logged-out';
  if (!res.ok || !res.body) return 'failed';
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return 'ended';
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) type = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) onEvent(type, data.join('\n'));
    }
  }
}

async function act(body, setToast) {
  setToast({ text: '…', error: false });
  try {
    const res = await fetch('/actions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'x-csrf-token': session.csrf },
      body: JSON.stringify(body),
    });
    const out = await res.json();
    setToast(res.ok ? { text: `$ ${out.command}`, error: false } : { text: out.error, error: true });
  } catch (err) {
    setToast({ text: String(err), error: true });
  }
}

/** Re-renders every 250 ms while mounted: only for the back-off countdown (no requests). */
function useNow(active) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

function Ticks({ type, probe }) {
  const ticks = probe.ticks.slice(-12);
  const pad = Array.from({ length: 12 - ticks.length });
  return html`<div class="probe">
    <span class="probe-name">${type}</span>
    <span class="ticks" data-probe=${type}>
      ${pad.map(() => html`<i class="tick empty"></i>`)}
      ${ticks.map((t) => html`<i class=${`tick ${t.result}`} title=${new Date(t.at).toLocaleTimeString()}></i>`)}
    </span>
  </div>`;
}

function Countdown({ at }) {
  const now = useNow(true);
  const s = Math.max(0, Math.ceil((at - now) / 1000));
  return html`<div class="countdown">restart in <b>${s}s</b></div>`;
}

function TrafficBar({ rate, max }) {
  const pct = max > 0 ? Math.round((rate / max) * 100) : 0;
  return html`<div class="traffic" data-rate=${rate}>
    <div class="bar"><div class="fill" style=${`width:${pct}%`}></div></div>
    <span class="rate">${rate.toFixed(1)}/s</span>
  </div>`;
}

function PodCard({ pod, maxRate, inService, setToast }) {
  const crash = pod.containers.find((c) => c.nextRestartAt);
  const probes = pod.containers.flatMap((c) => Object.entries(c.probes).map(([type, p]) => ({ type, p, key: `${c.name}/${type}` })));
  const cls = pod.deleting ? 'terminating' : !pod.ready ? 'notready' : 'ready';
  const short = pod.name.split('-').slice(-1)[0];
  return html`<article class=${`pod ${cls}`} data-pod=${pod.name} data-ready=${String(pod.ready)}>
    <header>
      <span class="pod-short">${short}</span>
      <span class=${`status ${cls}`}>${pod.status === 'Running' && !pod.ready && !pod.deleting ? 'Not ready' : pod.status}</span>
    </header>
    <div class="pod-name">${pod.name}</div>
    <div class="figures">
      <div><span class="label">READY</span><span class="value ready-text">${pod.readyText}</span></div>
      <div><span class="label">RESTARTS</span><span class=${`value restarts ${pod.restarts > 0 ? 'warn' : ''}`}>${pod.restarts}</span></div>
      <div><span class="label">PHASE</span><span class="value">${pod.phase}</span></div>
    </div>
    ${crash && html`<${Countdown} at=${crash.nextRestartAt} />`}
    ${probes.map(({ type, p, key }) => html`<${Ticks} key=${key} type=${type} probe=${p} />`)}
    ${inService !== undefined && html`<div class="svc-line">
      <span class=${`in-svc ${inService ? 'yes' : 'no'}`}>${inService ? 'in Service' : 'out of Service'}</span>
      <${TrafficBar} rate=${pod.traffic.rate} max=${maxRate} />
    </div>`}
    <footer>
      <button class="danger" onClick=${() => act({ action: 'exec', namespace: pod.namespace, pod: pod.name, command: 'rm' }, setToast)}>rm /tmp/healthcheck</button>
      <button onClick=${() => act({ action: 'exec', namespace: pod.namespace, pod: pod.name, command: 'touch' }, setToast)}>touch</button>
      <button class="ghost" onClick=${() => act({ action: 'delete', namespace: pod.namespace, pod: pod.name }, setToast)}>delete</button>
    </footer>
  </article>`;
}

function DeploymentSection({ d, pods, serviceOf, maxRate, setToast }) {
  return html`<section class="deployment" data-deployment=${d ? d.name : ''}>
    <h2>
      ${d ? html`<span>deployment/<b>${d.name}</b></span>
        <span class="counts">${d.ready}/${d.replicas} ready</span>
        <span class="scale">
          <button onClick=${() => act({ action: 'scale', namespace: d.namespace, deployment: d.name, replicas: Math.max(0, d.replicas - 1) }, setToast)}>−</button>
          <button onClick=${() => act({ action: 'scale', namespace: d.namespace, deployment: d.name, replicas: d.replicas + 1 }, setToast)}>+</button>
        </span>` : html`<span>pods without a Deployment</span>`}
    </h2>
    <div class="pods">
      ${pods.map((p) => html`<${PodCard} key=${p.name} pod=${p} maxRate=${maxRate} inService=${serviceOf(p.name)} setToast=${setToast} />`)}
    </div>
  </section>`;
}

// Nodes as columns with their pods (a multi-node cluster: `up --nodes N`), so a class can watch a drain or a
// node failure; pods still waiting for the scheduler in a column of their own.
function NodeColumns({ nodes, pods }) {
  const column = (title, cls, list, extra) => html`<div class=${`node-col ${cls}`}>
    <h3>${title}</h3>${extra}
    ${list.map((p) => html`<div key=${p.namespace + '/' + p.name} class=${`node-pod ${p.deleting ? 'deleting' : p.ready ? 'ready' : 'notready'}`}>${p.name}<span class="muted"> ${p.status}</span></div>`)}
  </div>`;
  const pending = pods.filter((p) => !p.node);
  return html`<section class="nodes">
    ${nodes.map((n) => column(n.name, n.ready === 'True' ? (n.unschedulable ? 'cordoned' : 'up') : 'down', pods.filter((p) => p.node === n.name),
      html`<div class="muted">${n.ready === 'True' ? 'Ready' : 'NotReady'}${n.unschedulable ? ', SchedulingDisabled' : ''}${n.taints.map((t) => html`<br /><code>${t}</code>`)}</div>`))}
    ${pending.length > 0 && column('Pending', 'pending', pending, html`<div class="muted">waiting for the scheduler</div>`)}
  </section>`;
}

function ServiceCard({ s, pods, maxRate }) {
  const members = [...s.endpoints.map((n) => ({ n, on: true })), ...s.notReady.map((n) => ({ n, on: false }))]
    .sort((a, b) => a.n.localeCompare(b.n));
  const rate = (n) => pods.find((p) => p.name === n)?.traffic.rate ?? 0;
  return html`<section class="service" data-service=${s.name}>
    <h2><span>service/<b>${s.name}</b></span><span class="counts">${s.type}</span>
      ${s.ports.map((p) => html`<span class="port">${p.port}${p.nodePort ? html`:<b>${p.nodePort}</b>` : ''}/TCP → ${p.targetPort}</span>`)}
    </h2>
    ${members.length === 0 && html`<p class="muted">no endpoints: requests are refused</p>`}
    <ul class="members">
      ${members.map(({ n, on }) => html`<li class=${on ? 'on' : 'off'} data-endpoint=${n} data-rate=${rate(n)}>
        <span class="member-name">${n.split('-').slice(-1)[0]}</span>
        <span class=${`in-svc ${on ? 'yes' : 'no'}`}>${on ? 'receives traffic' : 'not ready: out'}</span>
        <${TrafficBar} rate=${rate(n)} max=${maxRate} />
      </li>`)}
    </ul>
  </section>`;
}

function Events({ events }) {
  return html`<aside class="events"><h2>Events <span class="muted">newest first</span></h2>
    <ol>${events.map((e) => html`<li class=${e.type === 'Warning' ? 'warning' : 'normal'}>
      <div class="ev-head"><span class="reason">${e.reason}</span>
        ${e.count > 1 && html`<span class="count">×${e.count}</span>`}
        <span class="time">${e.time ? new Date(e.time).toLocaleTimeString() : ''}</span></div>
      <div class="obj">${e.object}</div>
      <div class="ev-msg">${e.message}</div>
    </li>`)}</ol>
  </aside>`;
}

function App() {
  const [state, setState] = useState(null);
  const [live, setLive] = useState(false);
  const [toast, setToast] = useState(null);
  const [problem, setProblem] = useState(null);
  useEffect(() => {
    const stop = new AbortController();
    (async () => {
      try {
        session = await login();
      } catch (err) {
        return setProblem(err.message);
      }
      if (!session) return setProblem('Open the link printed by `mini-kube dashboard`.');
      // EventSource cannot send a header, so the stream is read with fetch and reconnected here.
      while (!stop.signal.aborted) {
        const end = await readEvents(stop.signal, (type, data) => {
          if (type === 'state') { setState(JSON.parse(data)); setLive(true); }
        }).catch(() => 'failed');
        setLive(false);
        if (end === 'logged-out') {
          sessionStorage.removeItem(SESSION_KEY);
          return setProblem('This session has ended: `mini-kube dashboard` prints a new link.');
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    return () => stop.abort();
  }, []);
  if (problem) return html`<div class="login"><h1>mini-kube dashboard</h1><p class="big">${problem}</p></div>`;
  if (!state) return html`<p class="loading">mini-kube dashboard: connecting…</p>`;
  const maxRate = Math.max(1, ...state.pods.map((p) => p.traffic.rate));
  const serviceOf = (pod) => {
    for (const s of state.services) {
      if (s.endpoints.includes(pod)) return true;
      if (s.notReady.includes(pod)) return false;
    }
    return undefined;
  };
  const groups = state.deployments.map((d) => ({ d, pods: state.pods.filter((p) => p.deployment === d.name && p.namespace === d.namespace) }));
  const loose = state.pods.filter((p) => !p.deployment || !state.deployments.some((d) => d.name === p.deployment));
  return html`<div class="layout">
    <header class="top">
      <h1>mini-kube</h1>
      <span class=${`live ${live ? 'on' : 'off'}`}>${live ? '● live' : '○ reconnecting'}</span>
      ${toast && html`<code class=${`toast ${toast.error ? 'error' : ''}`}>${toast.text}</code>`}
    </header>
    <main>
      ${state.nodes.length > 1 && html`<${NodeColumns} nodes=${state.nodes} pods=${state.pods} />`}
      ${groups.map(({ d, pods }) => html`<${DeploymentSection} key=${d.name} d=${d} pods=${pods} serviceOf=${serviceOf} maxRate=${maxRate} setToast=${setToast} />`)}
      ${loose.length > 0 && html`<${DeploymentSection} d=${null} pods=${loose} serviceOf=${serviceOf} maxRate=${maxRate} setToast=${setToast} />`}
      ${state.services.map((s) => html`<${ServiceCard} key=${s.name} s=${s} pods=${state.pods} maxRate=${maxRate} />`)}
      ${groups.length === 0 && loose.length === 0 && html`<p class="muted big">No pods yet. Try <code>mini-kube apply -f manifests/healthcheck.yaml</code></p>`}
    </main>
    <${Events} events=${state.events} />
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
