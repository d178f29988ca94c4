// Small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.cite");
  if (link) { // open the cited passage in place, under the sentence
    event.preventDefault();
    const holder = link.closest(".sentence") || link.parentElement;
    const shown = holder.querySelector(`.inline-cite[data-for="${link.dataset.cite}"]`);
    if (shown) { shown.remove(); link.setAttribute("aria-expanded", "false"); return; }
    const source = document.getElementById(`cite-${link.dataset.cite}`);
    if (!source) return;
    const box = document.createElement("span");
    box.className = "inline-cite";
    box.dataset.for = link.dataset.cite;
    box.setAttribute("role", "note");
    box.innerHTML = source.innerHTML; // server-rendered, already escaped
    holder.appendChild(box);
    link.setAttribute("aria-expanded", "true");
    return;
  }
  if (event.target.closest(".print-button")) window.print();
});

const form = document.getElementById("upload");
if (form && window.FormData && window.XMLHttpRequest) {
  const drop = form.querySelector("[data-drop]");
  const input = form.querySelector("input[type=file]");
  const bar = form.querySelector("progress");
  const status = form.querySelector(".upload-status");
  ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.remove("over"); }));
  drop.addEventListener("drop", (e) => {
    input.files = e.dataTransfer.files;
    status.textContent = `${input.files.length} file(s) ready to upload.`;
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    xhr.upload.addEventListener("progress", (p) => { if (p.lengthComputable) bar.value = (100 * p.loaded) / p.total; });
    xhr.addEventListener("load", () => { // show the server's results page (same markup as without script)
      const page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      document.querySelector("main").replaceWith(page.querySelector("main"));
      document.title = page.title;
      document.querySelector("main").focus();
    });
    xhr.addEventListener("error", () => { status.textContent = "The upload failed: check your connection and try again."; });
    status.textContent = "Uploading...";
    xhr.send(new FormData(form));
  });
}
