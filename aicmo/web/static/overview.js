// Swap in the fresh figures without reloading the page, so scrolling and focus stay put.
(function () {
  const live = document.getElementById("live");
  setInterval(async function () {
    const response = await fetch(location.href, {credentials: "same-origin"});
    if (!response.ok || response.redirected) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("live");
    if (fresh) live.replaceChildren(...fresh.childNodes);
  }, Number(live.dataset.refresh) * 1000);
})();
