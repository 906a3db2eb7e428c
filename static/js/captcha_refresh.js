// The public report form: draw a new captcha picture without reloading the page.
document.querySelectorAll("[data-captcha-refresh]").forEach(function (button) {
  button.addEventListener("click", function () {
    fetch(button.dataset.captchaRefresh, {headers: {"X-Requested-With": "XMLHttpRequest"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var image = document.querySelector("[data-captcha-image]");
        image.src = data.image_url;
        image.srcset = data.image_url.replace(/\/$/, "@2/") + " 2x";
        var form = button.closest("form");
        form.querySelector("input[type=hidden][name$='_0']").value = data.key;
        var answer = form.querySelector("input[name$='captcha_1']");
        answer.value = "";
        answer.focus();
      });
  });
});
