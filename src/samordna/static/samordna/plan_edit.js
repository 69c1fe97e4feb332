// The plan editor's rows in place (issue 18 item 10). "Add a sub-goal", "Add an action" and
// "Add a care contact" copy the list's empty row from its <template>, with the formset's next
// index, and move the focus to it; no request is made. A sub-goal written on the page is offered
// at once to every action as "new:<row>", which the server resolves when the draft is saved.
// Without JavaScript the same buttons submit the form: the draft is saved and the editor comes
// back with one more empty row.
(function () {
  "use strict";

  function addRow(button) {
    var prefix = button.getAttribute("data-add-row");
    var template = document.getElementById(prefix + "-template");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var rows = document.querySelector('[data-rows="' + prefix + '"]');
    if (!template || !total || !rows) {
      return false;
    }
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    if (prefix === "actions") {
      refreshGoals();
    }
    var first = row.querySelector("textarea, input:not([type=hidden]), select");
    if (first) {
      first.focus();
    }
    return true;
  }

  // Every action's sub-goal choice lists the saved sub-goals (by id) and, after them, those
  // written on this page and not saved yet (by row), numbered as the plan will number them.
  function refreshGoals() {
    var saved = 0;
    var written = [];
    document.querySelectorAll('[data-row="goals"]').forEach(function (row) {
      var id = row.querySelector('input[name$="-id"]');
      var text = row.querySelector('textarea[name$="-text"]');
      var removed = row.querySelector('input[name$="-DELETE"]');
      if (!text) {
        return;
      }
      if (id && id.value) {
        saved += 1;
      } else if (text.value.trim() && !(removed && removed.checked)) {
        var index = text.name.replace(/^goals-(\d+)-text$/, "$1");
        written.push({ value: "new:" + index, text: text.value.trim().slice(0, 80) });
      }
    });
    document.querySelectorAll('select[name^="actions-"][name$="-goal"]').forEach(function (select) {
      var chosen = select.value;
      Array.prototype.slice.call(select.options).forEach(function (option) {
        if (option.value.indexOf("new:") === 0) {
          option.remove();
        }
      });
      written.forEach(function (goal, i) {
        select.add(new Option(saved + i + 1 + ". " + goal.text, goal.value));
      });
      select.value = chosen;
      if (select.value !== chosen) {
        select.value = "";
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-add-row]");
    if (button && addRow(button)) {
      event.preventDefault();
    }
  });
  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest('[data-row="goals"]')) {
      refreshGoals();
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest('[data-row="goals"]')) {
      refreshGoals();
    }
  });
})();
