// Keyboard use of the alert queue: j/k move between rows, r release, x reject, l lock.
document.addEventListener("keydown", (e) => {
  if (e.target.matches("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
  const rows = [...document.querySelectorAll("tr.alert-row")];
  if (!rows.length) return;
  const at = rows.indexOf(document.activeElement.closest ? document.activeElement.closest("tr.alert-row") : null);
  const go = (i) => rows[Math.max(0, Math.min(rows.length - 1, i))].focus();
  const press = (cls) => { const b = at >= 0 && rows[at].querySelector("button." + cls); if (b) b.click(); };
  if (e.key === "j") go(at + 1);
  else if (e.key === "k") go(at - 1);
  else if (e.key === "r") press("release");
  else if (e.key === "x") press("reject");
  else if (e.key === "l") press("lock");
  else return;
  e.preventDefault();
});
