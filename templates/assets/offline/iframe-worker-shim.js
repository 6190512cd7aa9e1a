/*
 * Web Workers for pages opened from disk (file://).
 *
 * Browsers refuse to start a Web Worker from a file:// URL, and Material for MkDocs runs its
 * site search in a worker. This script, loaded before Material's bundle, replaces `Worker` on
 * file:// pages with a stand-in that runs the worker script in a hidden same-origin iframe and
 * passes messages both ways, so search works in the offline bundle with no network at all.
 * Only what Material's search worker uses is provided: postMessage, message listeners,
 * onmessage and terminate.
 */
(function () {
  "use strict";
  if (location.protocol !== "file:" || typeof window.Worker === "undefined") {
    return;
  }

  function later(callback) {
    window.setTimeout(callback, 0);
  }

  function FrameWorker(url) {
    var outside = [];        // listeners on this object (the page side)
    var inside = [];         // listeners registered by the worker script
    var queued = [];         // messages posted before the worker script has loaded
    var loaded = false;
    var worker = this;

    var frame = document.createElement("iframe");
    frame.setAttribute("aria-hidden", "true");
    frame.setAttribute("tabindex", "-1");
    frame.style.display = "none";
    (document.body || document.documentElement).appendChild(frame);
    this._frame = frame;

    var scope = frame.contentWindow;
    // The worker script talks to its global scope: route that scope's messaging to us.
    scope.postMessage = function (data) {
      later(function () { worker._deliver(data); });
    };
    var addListener = scope.addEventListener.bind(scope);
    scope.addEventListener = function (type, listener, options) {
      if (type === "message") {
        inside.push(listener);
      } else {
        addListener(type, listener, options);
      }
    };
    scope.importScripts = function () {
      throw new Error("importScripts is not available to workers started from file://");
    };

    this._send = function (data) {
      var event = { data: data, target: scope };
      inside.forEach(function (listener) { listener.call(scope, event); });
      if (typeof scope.onmessage === "function") {
        scope.onmessage(event);
      }
    };
    this._deliver = function (data) {
      var event = { data: data, target: worker, type: "message" };
      outside.forEach(function (listener) { listener.call(worker, event); });
      if (typeof worker.onmessage === "function") {
        worker.onmessage(event);
      }
    };
    this._listeners = outside;

    var script = scope.document.createElement("script");
    script.src = new URL(url, document.baseURI).href;
    script.onload = function () {
      loaded = true;
      queued.splice(0).forEach(function (data) { worker._send(data); });
    };
    script.onerror = function () {
      var event = { type: "error", message: "could not load " + script.src };
      if (typeof worker.onerror === "function") {
        worker.onerror(event);
      }
    };
    scope.document.head.appendChild(script);

    this.postMessage = function (data) {
      if (loaded) {
        later(function () { worker._send(data); });
      } else {
        queued.push(data);
      }
    };
  }

  FrameWorker.prototype.onmessage = null;
  FrameWorker.prototype.onerror = null;
  FrameWorker.prototype.addEventListener = function (type, listener) {
    if (type === "message") {
      this._listeners.push(listener);
    }
  };
  FrameWorker.prototype.removeEventListener = function (type, listener) {
    var index = this._listeners.indexOf(listener);
    if (type === "message" && index >= 0) {
      this._listeners.splice(index, 1);
    }
  };
  FrameWorker.prototype.terminate = function () {
    if (this._frame && this._frame.parentNode) {
      this._frame.parentNode.removeChild(this._frame);
    }
  };

  window.Worker = FrameWorker;
})();
