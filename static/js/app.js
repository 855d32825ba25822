// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Buttons that ask for confirmation before a destructive POST.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  // Navigation menus (<details>): one open at a time; Escape or a click elsewhere closes them.
  var menus = document.querySelectorAll("details.nav-menu");
  function closeMenus(except) {
    menus.forEach(function (menu) {
      if (menu !== except) { menu.open = false; }
    });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) { closeMenus(menu); }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("details.nav-menu")) { closeMenus(null); }
  });
});
