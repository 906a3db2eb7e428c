// The lead form: pick a person from the type-ahead results, or change the pick.
(function () {
  const form = document.getElementById("lead-form");
  if (!form) return;
  const hidden = form.querySelector("input[name=person]");
  const picked = document.getElementById("person-picked");
  const pickedLabel = document.getElementById("person-picked-label");
  const find = document.getElementById("person-find");
  document.getElementById("person-results").addEventListener("click", function (event) {
    const button = event.target.closest("[data-person-id]");
    if (!button) return;
    hidden.value = button.dataset.personId;
    pickedLabel.textContent = button.dataset.personLabel;
    picked.classList.remove("d-none");
    find.classList.add("d-none");
  });
  document.getElementById("person-change").addEventListener("click", function () {
    hidden.value = "";
    picked.classList.add("d-none");
    find.classList.remove("d-none");
    document.getElementById("person-search").focus();
  });
  // Issue 17 rule 7: no ID number — a description and where the person was found.
  const unidentified = form.querySelector("input[name=unidentified]");
  if (unidentified) {
    unidentified.addEventListener("change", function () {
      document.getElementById("unidentified-fields").classList.toggle("d-none", !unidentified.checked);
    });
  }
  // The channel follows the method unless the user chose one.
  const defaults = {visit: "home_visit", data_push: "department_data", work: "service_hall"};
  const channel = form.querySelector("select[name=channel]");
  let touched = false;
  channel.addEventListener("change", function () { touched = true; });
  form.querySelectorAll("input[name=method]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (!touched && defaults[radio.value] && channel.querySelector("option[value=" + defaults[radio.value] + "]")) {
        channel.value = defaults[radio.value];
      }
    });
  });
})();
