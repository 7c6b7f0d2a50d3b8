/* Entry that feels like Excel, for forms marked data-warn-unsaved (the page works without it):
   - a warning before leaving the page with changes not saved;
   - a block copied from Excel (cells split by tabs, rows by new lines) pasted into a field
     fills the same field of the following rows and, for several columns, the next fields of
     each row. The rows are either a formset's ("prefix-N-name" inputs: the yearly plan's
     activities) or, on a form or a table marked data-grid="col col …", its [data-grid-row]
     rows, whose cells [data-grid-col] hold one field each (the annual report's indicators, and
     apart from them its activity results: a field belongs to the nearest grid around it);
   - in a grid, Enter and ArrowDown move to the same column of the next row, Shift+Enter and
     ArrowUp back (in a text area only from its last / first line, so typing is not broken). */
(function () {
  "use strict";

  var TEXT_FIELDS = "input[type=text], input[type=number], input:not([type]), textarea";
  var NAME = /^(.*-)(\d+)(-.+)$/;

  function rowFields(form, prefix, index) {
    // The text fields of one formset row, in page order.
    return Array.prototype.filter.call(form.querySelectorAll(TEXT_FIELDS), function (field) {
      var match = NAME.exec(field.name || "");
      return match && match[1] === prefix && Number(match[2]) === index;
    });
  }

  function cellsOf(text) {
    // Rows of cells as Excel copies them: a cell with a tab, a new line or a quote is quoted
    // ("…", a quote doubled inside).
    text = text.replace(/\r\n?/g, "\n");
    var rows = [], row = [], cell = "", i = 0;
    while (i <= text.length) {
      if (cell === "" && text[i] === "\"") {
        var end = i + 1, quoted = "";
        while (end < text.length) {
          if (text[end] === "\"" && text[end + 1] === "\"") { quoted += "\""; end += 2; continue; }
          if (text[end] === "\"") break;
          quoted += text[end];
          end += 1;
        }
        var after = text[end + 1];
        if (end < text.length && (after === undefined || after === "\t" || after === "\n")) {
          cell = quoted;
          i = end + 1;
          continue;
        }
      }
      var ch = text[i];
      if (ch === undefined || ch === "\t" || ch === "\n") {
        row.push(cell);
        cell = "";
        if (ch !== "\t") { rows.push(row); row = []; }
      } else {
        cell += ch;
      }
      i += 1;
    }
    var last = rows[rows.length - 1];
    if (rows.length > 1 && last.length === 1 && last[0] === "") rows.pop();
    return rows;
  }

  function announce(form, message) {
    var status = form.querySelector("[data-paste-status]");
    if (status) status.textContent = message;
  }

  function fill(target, cell) {
    // A text field takes the cell; a list takes the option whose label or value it names.
    if (!target || target.disabled || target.readOnly) return false;
    var value = cell.trim();
    if (target.tagName === "SELECT") {
      var option = Array.prototype.find.call(target.options, function (o) {
        return o.value === value || o.text.trim() === value;
      });
      if (!option) return false;
      value = option.value;
    }
    target.value = value;
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  /* The grid `field` is in: the nearest element marked data-grid around it (the form or a
     table in it); its rows in page order (not those of a grid inside it), columns by name. */
  function gridOf(form, field) {
    var host = field && field.closest ? field.closest("[data-grid]") : null;
    if (!host || !form.contains(host)) host = form.hasAttribute("data-grid") ? form : null;
    if (!host) return null;
    var names = (host.getAttribute("data-grid") || "").split(/\s+/).filter(Boolean);
    if (!names.length) return null;
    var rows = Array.prototype.filter.call(host.querySelectorAll("[data-grid-row]"), function (row) {
      return row.closest("[data-grid]") === host;
    });
    return { names: names, rows: rows };
  }

  function cellField(row, name) {
    var cell = row.querySelector("[data-grid-col='" + name + "']");
    return cell ? cell.querySelector("input, select, textarea") : null;
  }

  function placeOf(grid, field) {
    var cell = field.closest("[data-grid-col]"), row = field.closest("[data-grid-row]");
    if (!cell || !row) return null;
    var r = grid.rows.indexOf(row), c = grid.names.indexOf(cell.getAttribute("data-grid-col"));
    return r < 0 || c < 0 ? null : { row: r, col: c };
  }

  function pasteGrid(form, grid, field, text) {
    var place = placeOf(grid, field);
    if (!place || (text.indexOf("\t") < 0 && text.indexOf("\n") < 0 && text.indexOf("\r") < 0)) return false;
    // In a text area several lines without a tab are one note, pasted as it is.
    if (field.tagName === "TEXTAREA" && text.indexOf("\t") < 0) return false;
    var filled = 0;
    cellsOf(text).forEach(function (cells, r) {
      var row = grid.rows[place.row + r];
      if (!row) return;  // rows past the last are dropped; a read-only row takes its cells
      cells.forEach(function (cell, c) {
        var name = grid.names[place.col + c];
        if (name && fill(cellField(row, name), cell)) filled += 1;
      });
    });
    var template = form.getAttribute("data-paste-message") || "{n}";
    announce(form, template.replace("{n}", String(filled)));
    return true;
  }

  function pasteBlock(form, field, text) {
    var grid = gridOf(form, field);
    if (grid) return pasteGrid(form, grid, field, text);
    var match = NAME.exec(field.name || "");
    if (!match || (text.indexOf("\t") < 0 && text.indexOf("\n") < 0)) return false;
    var prefix = match[1], first = Number(match[2]);
    var column = rowFields(form, prefix, first).indexOf(field);
    var rows = cellsOf(text), filled = 0;
    rows.forEach(function (cells, r) {
      var fields = rowFields(form, prefix, first + r);
      cells.forEach(function (cell, c) {
        if (fill(fields[column + c], cell)) filled += 1;
      });
    });
    var template = form.getAttribute("data-paste-message") || "{n}";
    announce(form, template.replace("{n}", String(filled)));
    return true;
  }

  function move(grid, field, step) {
    // To the same column of the next (step 1) or previous (-1) row that has a field there.
    var place = placeOf(grid, field);
    if (!place) return false;
    var name = grid.names[place.col];
    for (var r = place.row + step; r >= 0 && r < grid.rows.length; r += step) {
      var target = cellField(grid.rows[r], name);
      if (target && !target.disabled) {
        target.focus();
        if (target.select && target.tagName !== "SELECT") target.select();
        return true;
      }
    }
    return false;
  }

  function keyed(grid, event) {
    var field = event.target;
    if (event.isComposing || event.keyCode === 229) return;  // an IME is converting
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (!field.closest || !field.closest("[data-grid-col]") || field.tagName === "SELECT") return;
    var area = field.tagName === "TEXTAREA", step = 0;
    if (event.key === "Enter" && !area) step = event.shiftKey ? -1 : 1;
    else if (event.key === "ArrowDown" && !event.shiftKey) step = 1;
    else if (event.key === "ArrowUp" && !event.shiftKey) step = -1;
    if (!step) return;
    if (area && field.selectionStart !== field.selectionEnd) return;
    if (area && step > 0 && field.value.indexOf("\n", field.selectionEnd) >= 0) return;
    if (area && step < 0 && field.value.lastIndexOf("\n", field.selectionStart - 1) >= 0) return;
    if (move(grid, field, step) || event.key === "Enter") event.preventDefault();
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
    if (form.matches("[data-grid]") || form.querySelector("[data-grid]")) {
      form.addEventListener("keydown", function (event) {
        var grid = gridOf(form, event.target);
        if (grid) keyed(grid, event);
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-warn-unsaved]"), watch);
})();
