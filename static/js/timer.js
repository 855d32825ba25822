// Timers on the meeting run screen (a situation's, an agenda item's, the meeting's): mm:ss
// against the planned minutes. Each timer is a [data-timer] group rendered hidden by the server
// and shown here (the page works without it). With buttons: Start timer / Pause / Reset; with
// data-timer-since (ms since the epoch) it runs on its own from that moment (the meeting clock);
// with data-timer-key its count is kept in sessionStorage, so moving from item to item in meeting
// mode keeps each item's time. Screen readers hear the time at minute boundaries only
// (aria-live="polite"), not every second.
(function () {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function format(totalSeconds) {
    return pad(Math.floor(totalSeconds / 60)) + ":" + pad(totalSeconds % 60);
  }

  function minutesText(minutes) {
    return minutes + (minutes === 1 ? " minute" : " minutes");
  }

  function setUp(group) {
    var display = group.querySelector("[data-timer-display]");
    var announce = group.querySelector("[data-timer-announce]");
    var toggle = group.querySelector("[data-timer-toggle]");
    var toggleLabel = group.querySelector("[data-timer-toggle-label]");
    var reset = group.querySelector("[data-timer-reset]");
    var target = parseInt(group.getAttribute("data-target-seconds"), 10) || 0;
    var key = group.getAttribute("data-timer-key");
    var since = parseInt(group.getAttribute("data-timer-since"), 10);
    var carried = 0; // milliseconds counted before the current run
    var startedAt = null; // Date.now() when the current run started
    var ticker = null;

    function remember() {
      if (key) {
        try {
          window.sessionStorage.setItem("timer:" + key,
            JSON.stringify({carried: carried, startedAt: startedAt}));
        } catch (ignored) { /* storage off: the timer still runs on this page */ }
      }
    }

    function recall() {
      try {
        var saved = key && JSON.parse(window.sessionStorage.getItem("timer:" + key) || "null");
        if (saved) {
          carried = saved.carried || 0;
          startedAt = saved.startedAt;
        }
      } catch (ignored) { /* nothing kept */ }
    }
    var lastMinute = 0;
    var warned = false; // the planned time was passed (announced once)

    function elapsedSeconds() {
      var ms = carried + (startedAt === null ? 0 : Date.now() - startedAt);
      return Math.max(0, Math.floor(ms / 1000));
    }

    function render() {
      var seconds = elapsedSeconds();
      var over = target > 0 && seconds > target;
      display.textContent = format(seconds);
      display.classList.toggle("text-danger", over);
      display.classList.toggle("fw-bold", over);
      group.classList.toggle("timer-over", over);
      var minute = Math.floor(seconds / 60);
      if (over && !warned) {
        warned = true;
        announce.textContent = "Over the " + minutesText(target / 60) + " planned.";
      } else if (minute !== lastMinute && minute > 0) {
        announce.textContent = minutesText(minute) + " elapsed" +
          (over ? ", over the " + minutesText(target / 60) + " planned." : ".");
      }
      lastMinute = minute;
      if (!over) {
        warned = false;
      }
    }

    function start(from) {
      startedAt = from || Date.now();
      ticker = window.setInterval(render, 250);
      if (toggleLabel) {
        toggleLabel.textContent = "Pause";
      }
      remember();
      render();
    }

    function pause() {
      carried += Date.now() - startedAt;
      startedAt = null;
      window.clearInterval(ticker);
      ticker = null;
      toggleLabel.textContent = "Start timer";
      remember();
      render();
    }

    group.hidden = false;
    if (!toggle) { // a clock running on its own since the given moment
      start(since || Date.now());
      return;
    }
    recall();
    if (startedAt !== null) {
      start(startedAt);
    }

    toggle.addEventListener("click", function () {
      if (startedAt === null) {
        start();
      } else {
        pause();
      }
    });

    reset.addEventListener("click", function () {
      if (startedAt !== null) {
        pause();
      }
      carried = 0;
      lastMinute = 0;
      warned = false;
      announce.textContent = "Timer reset.";
      remember();
      render();
    });

    render();
  }

  function setUpWithin(root) {
    root.querySelectorAll("[data-timer]:not([data-timer-ready])").forEach(function (group) {
      group.setAttribute("data-timer-ready", "");
      setUp(group);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpWithin(document);
  });
  // an item's card swapped in place by htmx (meeting mode) brings its timer back
  document.addEventListener("htmx:load", function (event) {
    setUpWithin(event.detail.elt.parentNode || document);
  });
})();
