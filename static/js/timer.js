// Per-situation timers on the meeting run screen: Start timer / Pause / Reset, shown as mm:ss
// against the item's planned minutes. Each timer is a [data-timer] group rendered hidden by the
// server and shown here (the page works without it). Screen readers hear the time at minute
// boundaries only (aria-live="polite"), not every second.
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
    var carried = 0; // milliseconds counted before the current run
    var startedAt = null; // Date.now() when the current run started
    var ticker = null;
    var lastMinute = 0;
    var warned = false; // the planned time was passed (announced once)

    function elapsedSeconds() {
      var ms = carried + (startedAt === null ? 0 : Date.now() - startedAt);
      return Math.floor(ms / 1000);
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

    function start() {
      startedAt = Date.now();
      ticker = window.setInterval(render, 250);
      toggleLabel.textContent = "Pause";
      render();
    }

    function pause() {
      carried += Date.now() - startedAt;
      startedAt = null;
      window.clearInterval(ticker);
      ticker = null;
      toggleLabel.textContent = "Start timer";
      render();
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
      render();
    });

    group.hidden = false;
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
