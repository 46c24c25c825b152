/*
 * StateOS player: lists live streams (GET /api/streams) and plays one over WHEP (POST /whep/<name>).
 * Plain browser JavaScript, no build step. Values from the server are written with textContent only.
 *
 * For tests, window.stateosPlayer holds the latest figures, updated every second:
 *   {state, stream, framesDecoded, framesPerSecond, frameWidth, frameHeight, bytesReceived, latencyMs, reconnects}
 */
(function () {
  'use strict';

  // Seconds from the NTP epoch (1900) to the Unix epoch (1970), in milliseconds.
  var NTP_UNIX_OFFSET_MS = 2208988800000;
  var BACKOFF_MIN_MS = 1000;
  var BACKOFF_MAX_MS = 15000;
  var STALL_MS = 8000;

  var player = window.stateosPlayer = {
    state: 'idle', stream: null, framesDecoded: 0, framesPerSecond: 0, frameWidth: 0, frameHeight: 0,
    bytesReceived: 0, latencyMs: null, reconnects: 0
  };

  var video = document.getElementById('video');
  // Ingest-to-display latency of the latest painted frame. requestVideoFrameCallback gives each painted frame's
  // RTP timestamp and display time; the session's clock pair (GET on the WHEP session URL: the RTP timestamp
  // that matches a moment of the ingest wall clock, as in the server's sender reports) turns the RTP timestamp
  // into the moment the frame entered the ESR. Chromium fills neither estimatedPlayoutTimestamp nor captureTime
  // for received video, hence this. Null until both are known.
  var frameLatencyMs = null;
  var clockPair = null; // {rtpTimestamp, wallMillis} of the current session
  if (video && 'requestVideoFrameCallback' in video) {
    var onVideoFrame = function (now, meta) {
      if (meta && typeof meta.captureTime === 'number' && meta.captureTime > 0) {
        frameLatencyMs = (meta.expectedDisplayTime || now) - meta.captureTime;
      } else if (meta && typeof meta.rtpTimestamp === 'number' && clockPair) {
        // Signed 32-bit distance between the two RTP timestamps (wraps every 13 h at 90 kHz).
        var ticks = ((meta.rtpTimestamp - clockPair.rtpTimestamp) | 0);
        var ingestMs = clockPair.wallMillis + ticks / 90;
        var shownMs = performance.timeOrigin + (meta.expectedDisplayTime || now);
        var d = shownMs - ingestMs;
        frameLatencyMs = d > -60000 && d < 600000 ? d : null;
      }
      video.requestVideoFrameCallback(onVideoFrame);
    };
    video.requestVideoFrameCallback(onVideoFrame);
  }

  function refreshClock(session) {
    if (!session.location || current !== session) { return; }
    fetch(session.location, {cache: 'no-store'}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (c) {
      if (c && current === session) { clockPair = c; }
    }).catch(function () { /* the next sample retries */ });
  }
  var current = null;        // {name, pc, location}
  var wanted = null;         // the stream the user asked for
  var backoff = BACKOFF_MIN_MS;
  var retryTimer = null;
  var disconnectTimer = null;
  var lastBytes = null;
  var lastStatsAt = 0;
  var lastFramesDecoded = 0;
  var lastProgressAt = 0;

  function $(id) { return document.getElementById(id); }
  function set(id, v) { $(id).textContent = v === null || v === undefined ? '-' : String(v); }

  // ---- stream list --------------------------------------------------------------------------------------

  function refreshList() {
    fetch('/api/streams', {cache: 'no-store'}).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (body) {
      renderList((body && body.streams) || []);
    }).catch(function (e) {
      renderList(null, 'stream list unavailable (' + e.message + ')');
    });
  }

  function renderList(streams, error) {
    var ul = $('streams');
    while (ul.firstChild) { ul.removeChild(ul.firstChild); }
    if (!streams || !streams.length) {
      var li = document.createElement('li');
      li.className = 'muted';
      li.textContent = error || 'no live streams';
      ul.appendChild(li);
      return;
    }
    streams.forEach(function (s) {
      var video = (s.tracks || []).filter(function (t) { return t.kind === 'video' || t.kind === 'VIDEO'; })[0];
      var li = document.createElement('li');
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = s.name + (video && video.width ? ' · ' + video.width + 'x' + video.height : '')
          + (video && video.codec ? ' ' + video.codec : '') + ' · ' + String(s.state).toLowerCase()
          + ' · ' + (s.viewers || 0) + ' watching';
      if (s.name === wanted) { b.className = 'active'; }
      b.addEventListener('click', function () { select(s.name); });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  function select(name) {
    wanted = name;
    backoff = BACKOFF_MIN_MS;
    var url = new URL(window.location.href);
    url.searchParams.set('stream', name);
    window.history.replaceState(null, '', url.toString());
    set('title', name);
    connect();
    refreshList();
  }

  // ---- WHEP session -------------------------------------------------------------------------------------

  function setState(s) {
    player.state = s;
    set('s-state', s);
  }

  function connect() {
    clearTimeout(retryTimer);
    teardown();
    if (!wanted) { return; }
    var name = wanted;
    var pc = new RTCPeerConnection();
    var session = {name: name, pc: pc, location: null};
    clockPair = null;
    frameLatencyMs = null;
    current = session;
    player.stream = name;
    setState('connecting');
    pc.addTransceiver('video', {direction: 'recvonly'});
    pc.addTransceiver('audio', {direction: 'recvonly'});
    pc.ontrack = function (e) {
      if (current !== session) { return; }
      if (e.streams && e.streams[0]) {
        if (video.srcObject !== e.streams[0]) { video.srcObject = e.streams[0]; }
      } else {
        var ms = video.srcObject instanceof MediaStream ? video.srcObject : new MediaStream();
        ms.addTrack(e.track);
        video.srcObject = ms;
      }
    };
    pc.onconnectionstatechange = function () {
      if (current !== session) { return; }
      var s = pc.connectionState;
      setState(s);
      if (s === 'connected') {
        backoff = BACKOFF_MIN_MS;
        clearTimeout(disconnectTimer);
        lastProgressAt = Date.now();
      } else if (s === 'failed' || s === 'closed') {
        scheduleReconnect('connection ' + s);
      } else if (s === 'disconnected') {
        // Often recovers within a few seconds (a lost burst of consent checks); give it that long.
        clearTimeout(disconnectTimer);
        disconnectTimer = setTimeout(function () {
          if (current === session && pc.connectionState === 'disconnected') { scheduleReconnect('disconnected'); }
        }, 3000);
      }
    };
    // The server is ICE-lite with its candidates in the answer: the offer needs no gathered candidates of ours
    // (the browser's checks reach the server, which learns our address from them), so POST at once.
    pc.createOffer().then(function (offer) {
      return pc.setLocalDescription(offer).then(function () { return offer; });
    }).then(function (offer) {
      return fetch('/whep/' + encodeURIComponent(name), {
        method: 'POST', headers: {'Content-Type': 'application/sdp'}, body: offer.sdp
      });
    }).then(function (r) {
      return r.text().then(function (text) {
        if (r.status !== 201) { throw new Error('WHEP ' + r.status + ': ' + text.trim()); }
        session.location = r.headers.get('Location');
        if (current !== session) { deleteSession(session); return null; }
        return pc.setRemoteDescription({type: 'answer', sdp: text});
      });
    }).catch(function (e) {
      if (current === session) { scheduleReconnect(e.message); }
    });
  }

  function deleteSession(session) {
    if (session.location) {
      fetch(session.location, {method: 'DELETE', keepalive: true}).catch(function () { /* gone already */ });
      session.location = null;
    }
  }

  function teardown() {
    clearTimeout(disconnectTimer);
    if (current) {
      var old = current;
      current = null;
      old.pc.onconnectionstatechange = null;
      old.pc.ontrack = null;
      old.pc.close();
      deleteSession(old);
    }
    lastBytes = null;
  }

  function scheduleReconnect(reason) {
    teardown();
    setState('retrying (' + reason + ')');
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () {
      player.reconnects++;
      set('s-reconnects', player.reconnects);
      connect();
    }, backoff);
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
  }

  // ---- stats --------------------------------------------------------------------------------------------

  function sampleStats() {
    var session = current;
    if (!session) { return; }
    session.pc.getStats().then(function (report) {
      if (current !== session) { return; }
      var v = null;
      report.forEach(function (s) {
        if (s.type === 'inbound-rtp' && (s.kind === 'video' || s.mediaType === 'video')) { v = s; }
      });
      if (!v) { return; }
      refreshClock(session);
      var now = performance.now();
      if (lastBytes !== null && now > lastStatsAt) {
        set('s-bitrate', Math.round((v.bytesReceived - lastBytes) * 8 / (now - lastStatsAt)) + ' kbit/s');
      }
      lastBytes = v.bytesReceived;
      lastStatsAt = now;
      player.framesDecoded = v.framesDecoded || 0;
      player.framesPerSecond = v.framesPerSecond || 0;
      player.frameWidth = v.frameWidth || 0;
      player.frameHeight = v.frameHeight || 0;
      player.bytesReceived = v.bytesReceived || 0;
      // Latency: the server's RTCP sender reports pair RTP time with the *ingest* wall clock in NTP format (the
      // moment each frame entered the ESR, not the moment it was sent). The browser maps the frame it is playing
      // through those reports, so estimatedPlayoutTimestamp is that frame's ingest time on the NTP timeline
      // (milliseconds since 1900). Now minus it is the glass-to-glass latency from ingest to this screen, as far
      // as this machine's clock agrees with the server's (exact on one machine; NTP-synced hosts are within ms).
      // Chromium leaves estimatedPlayoutTimestamp empty for video; there the per-frame captureTime of
      // requestVideoFrameCallback (the same sender-report mapping, on the performance.now() timeline) serves.
      if (v.estimatedPlayoutTimestamp) {
        var ms = Date.now() + NTP_UNIX_OFFSET_MS - v.estimatedPlayoutTimestamp;
        player.latencyMs = ms > -60000 && ms < 600000 ? Math.round(ms) : null;
      } else if (frameLatencyMs !== null) {
        player.latencyMs = Math.round(frameLatencyMs);
      }
      set('s-latency', player.latencyMs === null ? null : player.latencyMs + ' ms');
      set('s-fps', player.framesPerSecond);
      set('s-size', player.frameWidth ? player.frameWidth + 'x' + player.frameHeight : null);
      // A session that is connected but shows nothing new for a while (the stream ended, its publisher
      // vanished) is replaced by a fresh one.
      if (player.framesDecoded !== lastFramesDecoded) {
        lastFramesDecoded = player.framesDecoded;
        lastProgressAt = Date.now();
      } else if (session.pc.connectionState === 'connected' && Date.now() - lastProgressAt > STALL_MS) {
        scheduleReconnect('no frames for ' + STALL_MS / 1000 + ' s');
      }
    }).catch(function () { /* closed meanwhile */ });
  }

  // ---- wiring -------------------------------------------------------------------------------------------

  $('mute').addEventListener('click', function () {
    video.muted = !video.muted;
    $('mute').textContent = video.muted ? 'Unmute' : 'Mute';
    if (!video.muted) { video.play().catch(function () { /* needs a gesture; this was one */ }); }
  });
  window.addEventListener('pagehide', teardown);

  var requested = new URL(window.location.href).searchParams.get('stream');
  if (requested) { select(requested); }
  refreshList();
  setInterval(refreshList, 5000);
  setInterval(sampleStats, 1000);
}());
