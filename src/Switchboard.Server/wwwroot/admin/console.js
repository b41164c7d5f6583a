// Switchboard admin console: regions marked data-live refresh in place (new calls, transcript lines, tickets
// appear without reloading), forms marked data-ajax post without leaving the page, and small audio helpers.
(function () {
  'use strict';

  const liveRegions = () => document.querySelectorAll('[data-live][id]');
  let busy = false;

  async function refresh() {
    if (busy || document.visibilityState !== 'visible' || liveRegions().length === 0) {
      return;
    }
    busy = true;
    try {
      const response = await fetch(location.href, { credentials: 'same-origin', headers: { 'X-Console-Refresh': '1' } });
      if (!response.ok || response.redirected) {
        return;
      }
      const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const region of liveRegions()) {
        const next = fresh.getElementById(region.id);
        if (next && next.innerHTML !== region.innerHTML) {
          region.innerHTML = next.innerHTML;
          region.dispatchEvent(new CustomEvent('console:updated', { bubbles: true }));
        }
      }
      afterRefresh();
    } catch (error) {
      // The next tick tries again (server restarting, network hiccup).
    } finally {
      busy = false;
    }
  }

  function afterRefresh() {
    if (document.querySelector('[data-state="ended"]')) {
      document.querySelectorAll('form[data-ajax], #microphone-panel').forEach(form => { form.hidden = true; });
      if (typeof audio !== 'undefined' && audio.socket && audio.socket.readyState === WebSocket.OPEN) {
        audio.socket.close();
      }
    }
    document.querySelectorAll('.transcript.chat').forEach(list => { list.scrollTop = list.scrollHeight; });
  }

  document.addEventListener('submit', async event => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-ajax')) {
      return;
    }
    event.preventDefault();
    const body = new FormData(form, event.submitter);
    const response = await fetch(form.action || location.href, { method: 'POST', body, credentials: 'same-origin' });
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    const problem = page.getElementById('send-error');
    const shown = document.getElementById('send-error');
    if (shown) {
      shown.remove();
    }
    if (problem) {
      form.before(problem);
    } else {
      form.querySelectorAll('input[type="text"], input:not([type])').forEach(input => { input.value = ''; });
    }
    await refresh();
  });

  setInterval(refresh, 1500);
  document.addEventListener('DOMContentLoaded', afterRefresh);

  // Microphone test call: the microphone goes to the call as 16 kHz PCM16, what the caller hears (8 kHz PCM16) plays here.
  const audio = { sentBytes: 0, receivedBytes: 0, socket: null, context: null };

  async function connectMicrophone(button) {
    const status = document.getElementById('microphone-status');
    const say = text => { if (status) { status.textContent = text; } };
    try {
      button.disabled = true;
      const context = new AudioContext({ sampleRate: 16000 });
      audio.context = context;
      const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
      await context.audioWorklet.addModule(button.dataset.worklet);
      const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + button.dataset.audio);
      socket.binaryType = 'arraybuffer';
      audio.socket = socket;
      const capture = new AudioWorkletNode(context, 'switchboard-capture');
      capture.port.onmessage = event => {
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(event.data);
          audio.sentBytes += event.data.byteLength;
        }
      };
      const mute = context.createGain();
      mute.gain.value = 0;
      context.createMediaStreamSource(stream).connect(capture).connect(mute).connect(context.destination);
      let playAt = 0;
      socket.onmessage = event => {
        const pcm = new Int16Array(event.data);
        audio.receivedBytes += event.data.byteLength;
        const buffer = context.createBuffer(1, pcm.length, 8000);
        const samples = buffer.getChannelData(0);
        for (let i = 0; i < pcm.length; i++) {
          samples[i] = pcm[i] / 32768;
        }
        const node = context.createBufferSource();
        node.buffer = buffer;
        node.connect(context.destination);
        playAt = Math.max(playAt, context.currentTime + 0.06);
        node.start(playAt);
        playAt += buffer.duration;
      };
      socket.onopen = () => say('🎙 connected');
      socket.onclose = () => {
        say('■ disconnected');
        stream.getTracks().forEach(track => track.stop());
        context.close();
      };
      await context.resume();
    } catch (error) {
      say('Microphone unavailable: ' + error);
      button.disabled = false;
    }
  }

  window.switchboardConsole = {
    refresh,
    audio,
    connectMicrophone,
    play(id) {
      const audio = document.getElementById(id);
      if (audio) {
        audio.currentTime = 0;
        audio.play();
      }
    }
  };
})();
