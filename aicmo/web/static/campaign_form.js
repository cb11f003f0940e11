// The preview follows the form as it is typed: a pause in typing sends the fields and shows what comes back.
(function () {
  const form = document.getElementById("campaign-form");
  const preview = document.getElementById("preview");
  if (!form || !preview) return;
  const PAUSE_MS = 350;
  let timer = null;
  let asked = 0;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;  // text only: a template's output is not markup
    return node;
  }

  function message(item) {
    const article = element("article", item.error ? "message failed" : "message");
    article.dataset.step = item.step + 1;
    article.dataset.variant = item.variant || "";
    article.append(element("h3", "", "Step " + (item.step + 1) + (item.variant ? " · variant " + item.variant : "")));
    if (item.error) {
      article.append(element("p", "field-error", (item.part ? "In the " + item.part + ": " : "") + item.error));
      return article;
    }
    if (item.subject) {
      const subject = element("p", "subject");
      subject.append(element("strong", "", item.subject));
      article.append(subject);
    }
    article.append(element("pre", "body", item.body));
    return article;
  }

  function show(data) {
    const nodes = data.messages.map(message);
    if (data.error) nodes.push(element("p", "field-error", data.error));
    if (!nodes.length) nodes.push(element("p", "muted", "Nothing to preview yet."));
    preview.replaceChildren(...nodes);
  }

  async function refresh() {
    const ticket = ++asked;
    const body = new URLSearchParams(new FormData(form));
    let data;
    try {
      const response = await fetch(form.dataset.preview, {method: "POST", body: body, credentials: "same-origin"});
      if (response.redirected) return;  // logged out: the next save shows the login page
      data = await response.json();
    } catch (error) {
      data = {messages: [], error: "The preview could not be refreshed: " + error.message};
    }
    if (ticket === asked) show(data);  // an answer overtaken by a later one is dropped
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, PAUSE_MS);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();
