// Meeting mode on the run screen: N (or the right arrow) goes to the next agenda item, P (or the
// left arrow) to the previous one, whenever the focus is not in a field. The keys press the same
// "Next item" / "Previous item" control a mouse would (a button that saves what was typed and
// moves, or a plain link), so nothing typed is lost and the page works without this file.
(function () {
  "use strict";

  var TYPING = /^(INPUT|TEXTAREA|SELECT|BUTTON)$/;

  function control(direction) {
    return document.querySelector("[data-go='" + direction + "']");
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.defaultPrevented) {
      return;
    }
    var target = event.target;
    if (target && (TYPING.test(target.tagName) || target.isContentEditable)) {
      return;
    }
    var direction = null;
    if (event.key === "n" || event.key === "ArrowRight") {
      direction = "next";
    } else if (event.key === "p" || event.key === "ArrowLeft") {
      direction = "previous";
    }
    var found = direction && control(direction);
    if (found) {
      event.preventDefault();
      found.click();
    }
  });

  window.addEventListener("load", function () { // after the browser went to the #fragment
    // arriving on an item (?item=N): start from its heading, as a keyboard user expects
    var heading = document.querySelector("[data-focus-item] h2");
    if (heading && /[?&]item=/.test(window.location.search)) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });
})();
