// The Django admin: the accessible names some of its widgets lack, as axe-core asks (issue 24).
// Runs after the widgets are built (SelectFilter2 and select2 build theirs on load and ready),
// and again for each inline row added.
(function () {
  "use strict";

  function labelText(id) {
    const label = id && document.querySelector('label[for="' + id + '"]');
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  function nameWidgets(root) {
    // The list's search box: its label is an icon; it takes the search button's name.
    const search = root.querySelector("#searchbar");
    const button = search && search.form && search.form.querySelector("input[type=submit]");
    if (search && button && !search.hasAttribute("aria-label")) {
      search.setAttribute("aria-label", button.value);
    }
    // SelectFilter2's search icons carry an aria-label, which a span may hold only with a role.
    root.querySelectorAll(".search-label-icon[aria-label]").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
    // select2 (autocomplete fields): the combobox and its text take the field's label.
    root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const name = labelText(select.id) || select.name;
      const box = select.nextElementSibling;
      if (!box) return;
      // aria-labelledby (select2 points it at the empty text) would win over aria-label
      box.querySelectorAll(".select2-selection, .select2-selection__rendered").forEach((el) => {
        el.removeAttribute("aria-labelledby");
        el.setAttribute("aria-label", name);
      });
    });
    // Tabular inlines: each field of a row is named after its column's header.
    root.querySelectorAll(".tabular table").forEach((table) => {
      table.querySelectorAll("tbody :is(input, select, textarea)[name]").forEach((field) => {
        if (field.type === "hidden" || field.labels.length || field.hasAttribute("aria-label")) {
          return;
        }
        const column = field.name.split("-").pop();
        const head =
          table.querySelector("thead th.column-" + CSS.escape(column)) ||
          (column === "DELETE" ? table.querySelector("thead th:last-child") : null);
        if (head) field.setAttribute("aria-label", head.textContent.trim());
      });
    });
    // Split date and time (AdminSplitDateTime): "field: 日付" and "field: 時刻".
    root.querySelectorAll("p.datetime").forEach((line) => {
      const inputs = line.querySelectorAll("input");
      const row = line.closest(".form-row, .fieldBox");
      const caption = row && row.querySelector("label, legend");
      const field =
        labelText(inputs[0] && inputs[0].id) ||
        (caption ? caption.textContent.replace(/[:：]\s*$/, "").trim() : inputs[0]?.name || "");
      inputs.forEach((input) => {
        if (input.labels.length && input.labels[0].closest("p.datetime")) return;
        let text = input.previousSibling;
        while (text && text.nodeType !== Node.TEXT_NODE) text = text.previousSibling;
        const part = text ? text.textContent.replace(/[:：]\s*$/, "").trim() : "";
        input.setAttribute("aria-label", part ? field + " " + part : field);
      });
    });
  }

  window.addEventListener("load", () => nameWidgets(document));
  // select2 is built in a jQuery ready handler: name it after that one has run.
  if (window.django && window.django.jQuery) window.django.jQuery(() => nameWidgets(document));
  document.addEventListener("formset:added", (event) => nameWidgets(event.target));
})();
