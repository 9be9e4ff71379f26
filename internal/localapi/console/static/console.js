// alien-local console: small conveniences on top of pages that work without them.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Copy boxes of one-time secrets: a Copy button, and a click selects the whole value.
  for (const input of document.querySelectorAll("input[data-copy]")) {
    input.addEventListener("focus", () => input.select());
    const button = input.parentElement.querySelector("[data-copy-button]");
    if (!button || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        button.textContent = "Copied";
      } catch {
        input.select();
        button.textContent = "Press Ctrl+C";
      }
      setTimeout(() => { button.textContent = "Copy"; }, 2000);
    });
  }

  // Role dropdowns save on change, as the platform's do; without a script, their Save button does.
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    const button = form.querySelector("[data-autosubmit-button]");
    if (button) button.hidden = true;
    form.querySelector("select").addEventListener("change", () => form.requestSubmit());
  }

  // One confirmation open at a time; Escape closes it.
  const confirms = document.querySelectorAll("details.confirm");
  for (const d of confirms) {
    d.addEventListener("toggle", () => {
      if (!d.open) return;
      for (const other of confirms) if (other !== d) other.open = false;
    });
  }
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") for (const d of confirms) d.open = false;
  });
});
