/* Entry that feels like Excel, for forms marked data-warn-unsaved (the page works without it):
   - a warning before leaving the page with changes not saved;
   - a block copied from Excel (cells split by tabs, rows by new lines) pasted into a field
     fills the same field of the following rows (a formset's "prefix-N-name" inputs) and,
     for several columns, the next fields of each row. */
(function () {
  "use strict";

  var TEXT_FIELDS = "input[type=text], input[type=number], input:not([type]), textarea";
  var NAME = /^(.*-)(\d+)(-.+)$/;

  function rowFields(form, prefix, index) {
    // The text fields of one row, in page order.
    return Array.prototype.filter.call(form.querySelectorAll(TEXT_FIELDS), function (field) {
      var match = NAME.exec(field.name || "");
      return match && match[1] === prefix && Number(match[2]) === index;
    });
  }

  function cellsOf(text) {
    var rows = text.replace(/\r\n?/g, "\n").split("\n");
    if (rows.length && rows[rows.length - 1] === "") rows.pop();
    return rows.map(function (row) { return row.split("\t"); });
  }

  function announce(form, message) {
    var status = form.querySelector("[data-paste-status]");
    if (status) status.textContent = message;
  }

  function pasteBlock(form, field, text) {
    var match = NAME.exec(field.name || "");
    if (!match || (text.indexOf("\t") < 0 && text.indexOf("\n") < 0)) return false;
    var prefix = match[1], first = Number(match[2]);
    var column = rowFields(form, prefix, first).indexOf(field);
    var rows = cellsOf(text), filled = 0;
    rows.forEach(function (cells, r) {
      var fields = rowFields(form, prefix, first + r);
      cells.forEach(function (cell, c) {
        var target = fields[column + c];
        if (!target) return;
        target.value = cell.trim();
        target.dispatchEvent(new Event("input", { bubbles: true }));
        filled += 1;
      });
    });
    var template = form.getAttribute("data-paste-message") || "{n}";
    announce(form, template.replace("{n}", String(filled)));
    return true;
  }

  function watch(form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = "";
    });
    form.addEventListener("paste", function (event) {
      var field = event.target;
      if (!field.matches || !field.matches(TEXT_FIELDS)) return;
      var text = (event.clipboardData || window.clipboardData).getData("text");
      if (pasteBlock(form, field, text)) event.preventDefault();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-warn-unsaved]"), watch);
})();
