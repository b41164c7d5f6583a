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
      document.querySelectorAll('form[data-ajax]').forEach(form => { form.hidden = true; });
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

  window.switchboardConsole = {
    refresh,
    play(id) {
      const audio = document.getElementById(id);
      if (audio) {
        audio.currentTime = 0;
        audio.play();
      }
    }
  };
})();
