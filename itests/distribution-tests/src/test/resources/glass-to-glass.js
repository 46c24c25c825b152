// Glass-to-glass latency in Chromium, evaluated in a page of the node's origin with window.__g2gStream set.
// Plays the stream over WHEP (video only; with window.__g2gAudio also its audio, unmuted, in the same MediaStream so
// Chromium's lip sync applies as on the player page), reads each encoded frame's StateOS SEI stamp (the publisher's wall clock,
// microseconds) through encoded insertable streams, keyed by RTP timestamp, and for every frame shown takes
// requestVideoFrameCallback's rtpTimestamp and expectedDisplayTime (on the wall clock) -> latency = display - stamp.
// Results in window.__g2g: samples [[displayWallMs, latencyMs, receiveToDisplayMs]], counters and errors.
(() => {
  if (window.__g2g) return 'running';
  const g = window.__g2g = {mode: null, samples: [], encodedFrames: 0, stamped: 0, shown: 0, unmatched: 0,
    errors: [], state: 'new'};
  const UUID = [...'StateOS-latency!'].map(c => c.charCodeAt(0));
  const stamps = new Map(); // rtpTimestamp -> stamp (ms since the epoch, fractional)

  // The SEI stamp in an Annex B access unit (start codes 00 00 01 / 00 00 00 01), or -1.
  function stampOf(bytes) {
    const n = bytes.length;
    for (let i = 0; i + 3 < n; i++) {
      if (bytes[i] !== 0 || bytes[i + 1] !== 0 || bytes[i + 2] !== 1) continue;
      const start = i + 3;
      if ((bytes[start] & 0x1f) !== 6) { i = start; continue; }
      let end = start + 1;
      while (end + 2 < n && !(bytes[end] === 0 && bytes[end + 1] === 0 && (bytes[end + 2] === 1 || bytes[end + 2] === 0))) end++;
      if (end + 2 >= n) end = n;
      const v = seiStamp(bytes.subarray(start + 1, end));
      if (v >= 0) return v;
      i = end - 1;
    }
    return -1;
  }
  function seiStamp(esc) {
    const r = [];
    let zeros = 0;
    for (const b of esc) {
      if (zeros >= 2 && b === 3) { zeros = 0; continue; }
      r.push(b);
      zeros = b === 0 ? zeros + 1 : 0;
    }
    let p = 0;
    while (p < r.length && !(p === r.length - 1 && r[p] === 0x80)) {
      let type = 0, size = 0;
      while (p < r.length && r[p] === 0xff) { type += 255; p++; }
      if (p >= r.length) return -1;
      type += r[p++];
      while (p < r.length && r[p] === 0xff) { size += 255; p++; }
      if (p >= r.length) return -1;
      size += r[p++];
      if (size > r.length - p) return -1;
      if (type === 5 && size >= 24 && UUID.every((u, k) => r[p + k] === u)) {
        let v = 0n;
        for (let k = 0; k < 8; k++) v = (v << 8n) | BigInt(r[p + 16 + k]);
        return Number(v) / 1000; // ms
      }
      p += size;
    }
    return -1;
  }
  function onEncoded(frame) {
    g.encodedFrames++;
    const md = frame.getMetadata ? frame.getMetadata() : {};
    const ts = md.rtpTimestamp !== undefined ? md.rtpTimestamp : frame.timestamp;
    const v = stampOf(new Uint8Array(frame.data));
    if (v >= 0) {
      g.stamped++;
      stamps.set(ts >>> 0, v);
      if (stamps.size > 600) stamps.delete(stamps.keys().next().value);
    }
  }
  // The wall clock of a performance.now()-based time: timeOrigin plus the current offset between the two clocks.
  function wallOf(perfMs) {
    return perfMs + (Date.now() - performance.now());
  }

  const streamsApi = 'createEncodedStreams' in RTCRtpReceiver.prototype;
  const pc = new RTCPeerConnection(streamsApi ? {encodedInsertableStreams: true} : {});
  g.pc = pc;
  pc.addTransceiver('video', {direction: 'recvonly'});
  const withAudio = !!window.__g2gAudio;
  if (withAudio) pc.addTransceiver('audio', {direction: 'recvonly'});
  const shownStream = new MediaStream();
  const video = document.createElement('video');
  video.muted = !withAudio;
  video.autoplay = true;
  video.playsInline = true;
  document.body.appendChild(video);
  pc.ontrack = ev => {
    const receiver = ev.receiver;
    if (ev.track.kind === 'audio') {
      if (streamsApi) {
        // With encodedInsertableStreams every receiver must be piped through, or its frames go nowhere.
        const {readable, writable} = receiver.createEncodedStreams();
        readable.pipeTo(writable).catch(e => g.errors.push('audio pipe: ' + e));
      }
      shownStream.addTrack(ev.track);
      return;
    }
    if (streamsApi) {
      g.mode = 'createEncodedStreams';
      const {readable, writable} = receiver.createEncodedStreams();
      readable.pipeThrough(new TransformStream({transform(frame, c) { try { onEncoded(frame); } catch (e) { g.errors.push('' + e); } c.enqueue(frame); }}))
        .pipeTo(writable).catch(e => g.errors.push('pipe: ' + e));
    } else if (window.RTCRtpScriptTransform) {
      g.mode = 'RTCRtpScriptTransform';
      const src = 'onrtctransform = e => { const t = e.transformer; t.readable.pipeThrough(new TransformStream({' +
        'transform(f, c) { const md = f.getMetadata(); self.postMessage({ts: md.rtpTimestamp, data: f.data.slice(0)});' +
        ' c.enqueue(f); }})).pipeTo(t.writable); };';
      const worker = new Worker(URL.createObjectURL(new Blob([src], {type: 'text/javascript'})));
      worker.onmessage = m => onEncoded({getMetadata: () => ({rtpTimestamp: m.data.ts}), data: m.data.data});
      receiver.transform = new RTCRtpScriptTransform(worker, {});
    } else {
      g.errors.push('no encoded transform API');
    }
    shownStream.addTrack(ev.track);
    video.srcObject = shownStream;
    video.play().catch(e => g.errors.push('play: ' + e));
    const onFrame = (now, md) => {
      g.shown++;
      const stamp = md.rtpTimestamp !== undefined ? stamps.get(md.rtpTimestamp >>> 0) : undefined;
      if (stamp === undefined) {
        g.unmatched++;
      } else {
        const display = wallOf(md.expectedDisplayTime);
        g.samples.push([display, display - stamp, md.receiveTime !== undefined ? md.expectedDisplayTime - md.receiveTime : -1]);
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  pc.onconnectionstatechange = () => { g.state = pc.connectionState; };
  // Where Chromium spends the time after arrival: jitter buffer (average and target) and decode, from getStats.
  window.__g2gStats = async () => {
    const out = {};
    (await pc.getStats()).forEach(s => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        const n = s.jitterBufferEmittedCount || 1;
        out.audio = {packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, packetsDiscarded: s.packetsDiscarded,
          totalSamplesReceived: s.totalSamplesReceived, concealedSamples: s.concealedSamples,
          insertedSamplesForDeceleration: s.insertedSamplesForDeceleration,
          removedSamplesForAcceleration: s.removedSamplesForAcceleration, jitterMs: Math.round(1000 * (s.jitter || 0)),
          jitterBufferMs: Math.round(1000 * s.jitterBufferDelay / n),
          jitterBufferTargetMs: Math.round(1000 * (s.jitterBufferTargetDelay || 0) / n),
          jitterBufferMinimumMs: Math.round(1000 * (s.jitterBufferMinimumDelay || 0) / n),
          totalAudioEnergy: s.totalAudioEnergy, audioLevel: s.audioLevel, codec: s.codecId};
        return;
      }
      if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
      const n = s.jitterBufferEmittedCount || 1;
      Object.assign(out, {framesDecoded: s.framesDecoded, framesDropped: s.framesDropped, freezeCount: s.freezeCount,
        jitterBufferMs: Math.round(1000 * s.jitterBufferDelay / n),
        jitterBufferTargetMs: Math.round(1000 * (s.jitterBufferTargetDelay || 0) / n),
        jitterBufferMinimumMs: Math.round(1000 * (s.jitterBufferMinimumDelay || 0) / n),
        decodeMs: s.framesDecoded ? Math.round(1000 * s.totalDecodeTime / s.framesDecoded) : -1,
        decoder: s.decoderImplementation});
    });
    return out;
  };
  // Once a second: the stats above with the latest latency sample, for a time line of where the delay sits.
  g.statsLog = [];
  g.statsTimer = setInterval(() => window.__g2gStats().then(st => {
    const last = g.samples.length ? g.samples[g.samples.length - 1] : null;
    g.statsLog.push({t: Date.now(), latencyMs: last ? Math.round(last[1]) : null, stats: st});
    if (!g.audioSince && st.audio && st.audio.packetsReceived > 0) g.audioSince = Date.now();
  }), 1000);
  pc.createOffer()
    .then(o => pc.setLocalDescription(o).then(() => o))
    .then(o => fetch('/whep/' + encodeURIComponent(window.__g2gStream), {method: 'POST',
      headers: {'Content-Type': 'application/sdp'}, body: o.sdp}))
    .then(r => r.text().then(t => {
      if (r.status !== 201) throw new Error('WHEP ' + r.status + ': ' + t);
      g.location = r.headers.get('Location');
      return pc.setRemoteDescription({type: 'answer', sdp: t});
    }))
    .catch(e => g.errors.push('' + e));
  return 'started';
})();
