// The text is selected and copied in one click; without clipboard access it is left selected to copy by hand.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    const text = document.getElementById(button.dataset.copy);
    text.select();
    if (navigator.clipboard) navigator.clipboard.writeText(text.value).then(function () { button.textContent = "Copied"; });
  });
});
