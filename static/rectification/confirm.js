// 验收: a confirmation before a task is closed (销号 cannot be undone). A form with data-confirm asks when its
// outcome radio has the value in data-confirm-when (or always without it).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (!question) return;
  var when = form.getAttribute("data-confirm-when");
  var chosen = form.querySelector("input[name=outcome]:checked");
  if (when && (!chosen || chosen.value !== when)) return;
  if (!window.confirm(question)) event.preventDefault();
});
