'use strict';
// The chat page: lists the server's models, loads the one picked, and streams replies from /v1/chat/completions.
const $ = id => document.getElementById(id);
const state = { models: [], model: null, history: [], controller: null };

function headers() {
  const h = { 'Content-Type': 'application/json' };
  const key = $('api-key').value.trim();
  if (key) h.Authorization = 'Bearer ' + key;
  return h;
}

async function errorText(response) {
  try {
    return (await response.json()).error.message;
  } catch {
    return 'HTTP ' + response.status;
  }
}

function formatBytes(n) {
  return n >= 1 << 30 ? (n / (1 << 30)).toFixed(2) + ' GiB' : (n / (1 << 20)).toFixed(1) + ' MiB';
}

async function loadModels() {
  const response = await fetch('models', { headers: headers() });
  if (!response.ok) {
    $('model-status').textContent = await errorText(response);
    return;
  }
  state.models = (await response.json()).data;
  const loaded = state.models.find(m => m.meta.loaded);
  state.model = loaded ? loaded.id : null;
  showModels();
}

function showModels() {
  const query = $('search').value.trim().toLowerCase();
  const list = $('models');
  list.replaceChildren();
  for (const m of state.models.filter(m => m.id.toLowerCase().includes(query))) {
    const li = document.createElement('li');
    li.dataset.name = m.id;
    li.classList.toggle('loaded', m.id === state.model);
    const name = document.createElement('div');
    name.className = 'name';
    name.textContent = m.id;
    const facts = document.createElement('div');
    facts.className = 'facts';
    const kld = Object.entries(m.meta.kld).map(([k, v]) => k + ' ' + v.toPrecision(3));
    facts.textContent = [formatBytes(m.meta.size), m.meta.bpw.toFixed(2) + ' BPW', ...kld].join(' · ');
    li.append(name, facts);
    li.addEventListener('click', () => pickModel(m.id));
    list.append(li);
  }
  $('model-status').textContent = state.model ? 'Chatting with ' + state.model : 'Pick a model to load it';
}

async function pickModel(name) {
  if (name === state.model) return;
  $('model-status').textContent = 'Loading ' + name + '…';
  const response = await fetch('models/load', { method: 'POST', headers: headers(), body: JSON.stringify({ model: name }) });
  if (!response.ok) {
    $('model-status').textContent = await errorText(response);
    return;
  }
  await loadModels();
  newChat();
}

function addMessage(role, text) {
  const div = document.createElement('div');
  div.className = 'message ' + role;
  div.textContent = text;
  $('messages').append(div);
  div.scrollIntoView({ block: 'end' });
  return div;
}

function setBusy(busy) {
  $('send').disabled = busy;
  $('stop').disabled = !busy;
}

async function send(text) {
  if (!state.model) {
    addMessage('error', 'Pick a model first.');
    return;
  }
  addMessage('user', text);
  state.history.push({ role: 'user', content: text });
  const system = $('system').value.trim();
  const messages = (system ? [{ role: 'system', content: system }] : []).concat(state.history);
  const reply = addMessage('assistant', '');
  let content = '';
  state.controller = new AbortController();
  setBusy(true);
  try {
    const response = await fetch('v1/chat/completions', {
      method: 'POST', headers: headers(), signal: state.controller.signal,
      body: JSON.stringify({ model: state.model, messages, stream: true,
                             temperature: Number($('temperature').value) }),
    });
    if (!response.ok) throw new Error(await errorText(response));
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
        const chunk = JSON.parse(event.slice(6));
        if (chunk.error) throw new Error(chunk.error.message);
        const delta = chunk.choices.length ? chunk.choices[0].delta.content : null;
        if (delta) {
          content += delta;
          Markdown.renderReply(content, reply);
          reply.scrollIntoView({ block: 'end' });
        }
      }
    }
  } catch (e) {
    if (e.name === 'AbortError') {
      const note = document.createElement('div');
      note.className = 'stopped';
      note.textContent = '(stopped)';
      reply.append(note);
      note.scrollIntoView({ block: 'end' });
    } else {
      reply.classList.add('error');
      reply.textContent = e.message;
    }
  } finally {
    state.controller = null;
    setBusy(false);
  }
  state.history.push({ role: 'assistant', content });
}

function newChat() {
  if (state.controller) state.controller.abort();
  state.history = [];
  $('messages').replaceChildren();
}

$('search').addEventListener('input', showModels);
$('api-key').addEventListener('change', loadModels);
$('new-chat').addEventListener('click', newChat);
$('stop').addEventListener('click', () => state.controller && state.controller.abort());
$('composer').addEventListener('submit', e => {
  e.preventDefault();
  const text = $('prompt').value.trim();
  if (!text || state.controller) return;
  $('prompt').value = '';
  send(text);
});
$('prompt').addEventListener('keydown', e => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    $('composer').requestSubmit();
  }
});
loadModels();
