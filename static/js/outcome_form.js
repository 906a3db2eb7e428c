// The outcome form: show only the fields the chosen kind of outcome needs.
(function () {
  var form = document.querySelector('[data-testid="outcome-form"]');
  if (!form) return;
  function update() {
    var checked = form.querySelector('input[name="kind"]:checked');
    var kind = checked ? checked.value : '';
    form.querySelectorAll('[data-for]').forEach(function (el) {
      el.hidden = kind !== '' && el.getAttribute('data-for').split(' ').indexOf(kind) === -1;
    });
  }
  form.addEventListener('change', function (e) { if (e.target.name === 'kind') update(); });
  update();
})();
