// Captures the microphone as 16-bit PCM in 20 ms messages at the AudioContext's rate (the console opens it at 16 kHz).
class SwitchboardCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Int16Array(Math.round(sampleRate / 50));
    this.filled = 0;
  }

  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (input) {
      for (let i = 0; i < input.length; i++) {
        const s = Math.max(-1, Math.min(1, input[i]));
        this.frame[this.filled++] = s < 0 ? s * 32768 : s * 32767;
        if (this.filled === this.frame.length) {
          this.port.postMessage(this.frame.buffer.slice(0), []);
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('switchboard-capture', SwitchboardCapture);
