// Passkey ceremonies for the customer pages: fetch options from the server, call
// navigator.credentials.create/get, send the answer back as JSON. No other site is contacted.
(function () {
  "use strict";

  function b64urlToBuf(s) {
    const pad = "=".repeat((4 - (s.length % 4)) % 4);
    const bin = atob((s + pad).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
  }

  function bufToB64url(buf) {
    let bin = "";
    new Uint8Array(buf).forEach((b) => { bin += String.fromCharCode(b); });
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function post(url, body) {
    const res = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok && !data.decision) {
      const err = new Error(data.message_ja || "エラーが発生しました。時間をおいてもう一度お試しください。");
      err.code = data.error || "error";
      err.fromServer = true;
      throw err;
    }
    return data;
  }

  // The browser's own errors are in English and name no fix: say in Japanese what happened and what to do.
  function explain(e) {
    if (e && e.fromServer) return e.message;
    const meta = document.querySelector('meta[name="kozaguard-origin"]');
    const home = meta ? meta.content : "";
    switch (e && e.name) {
      case "NotAllowedError":
        return "パスキーの操作が取り消されたか、時間切れになりました。もう一度お試しください。";
      case "SecurityError":
        return "このアドレス(" + window.location.host + ")ではパスキーを使えません。" +
          (home ? home + " を開いてからお試しください。" : "ブックマークした当社のページから開き直してください。");
      case "InvalidStateError":
        return "このパスキーはこの端末にすでに登録されています。";
      case "NotSupportedError":
        return "このブラウザまたは端末はパスキーに対応していません。別のブラウザをお試しください。";
      case "AbortError":
        return "パスキーの操作が中断されました。もう一度お試しください。";
      default:
        return "パスキーによる認証に失敗しました。もう一度お試しいただくか、お客様サポートへご連絡ください。";
    }
  }

  function creationOptions(o) {
    return Object.assign({}, o, {
      challenge: b64urlToBuf(o.challenge),
      user: Object.assign({}, o.user, { id: b64urlToBuf(o.user.id) }),
      excludeCredentials: (o.excludeCredentials || []).map((c) => Object.assign({}, c, { id: b64urlToBuf(c.id) })),
    });
  }

  function requestOptions(o) {
    return Object.assign({}, o, {
      challenge: b64urlToBuf(o.challenge),
      allowCredentials: (o.allowCredentials || []).map((c) => Object.assign({}, c, { id: b64urlToBuf(c.id) })),
    });
  }

  function registrationJSON(cred) {
    const r = cred.response;
    return {
      id: cred.id,
      rawId: bufToB64url(cred.rawId),
      type: cred.type,
      response: {
        clientDataJSON: bufToB64url(r.clientDataJSON),
        attestationObject: bufToB64url(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : [],
      },
      clientExtensionResults: cred.getClientExtensionResults(),
      authenticatorAttachment: cred.authenticatorAttachment,
    };
  }

  function assertionJSON(cred) {
    const r = cred.response;
    return {
      id: cred.id,
      rawId: bufToB64url(cred.rawId),
      type: cred.type,
      response: {
        clientDataJSON: bufToB64url(r.clientDataJSON),
        authenticatorData: bufToB64url(r.authenticatorData),
        signature: bufToB64url(r.signature),
        userHandle: r.userHandle ? bufToB64url(r.userHandle) : null,
      },
      clientExtensionResults: cred.getClientExtensionResults(),
      authenticatorAttachment: cred.authenticatorAttachment,
    };
  }

  async function register(name) {
    const { challenge_id, options } = await post("/identity/passkeys/options");
    const cred = await navigator.credentials.create({ publicKey: creationOptions(options) });
    return post("/identity/passkeys", { challenge_id, name, credential: registrationJSON(cred) });
  }

  async function login(ticket) {
    const { challenge_id, options } = await post("/identity/login/passkey/options", ticket ? { ticket } : {});
    const cred = await navigator.credentials.get({ publicKey: requestOptions(options) });
    const credential = assertionJSON(cred);
    if (ticket) {
      return post("/identity/login/verify", { ticket, method: "passkey", challenge_id, credential });
    }
    return post("/identity/login/passkey", { challenge_id, credential });
  }

  function report(el, text, code) {
    if (!el) return;
    el.textContent = text;
    el.dataset.state = code || "";
  }

  async function run(button, statusId, work) {
    const status = document.getElementById(statusId);
    button.disabled = true;
    report(status, "処理中です…", "pending");
    try {
      await work(status);
    } catch (e) {
      report(status, explain(e), e.code || e.name || "error");
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("click", (ev) => {
    const t = ev.target.closest("[data-passkey-register],[data-passkey-login],[data-passkey-verify]");
    if (!t) return;
    if (t.hasAttribute("data-passkey-register")) {
      run(t, "passkey-status", async (status) => {
        const name = (document.getElementById("passkey-name") || {}).value || "";
        await register(name);
        report(status, "パスキーを登録しました。", "registered");
        window.location.reload();
      });
    } else {
      const ticket = t.getAttribute("data-passkey-verify");
      run(t, ticket ? "passkey-verify-status" : "passkey-status", async (status) => {
        const d = await login(ticket);
        if (d.decision === "allow") {
          report(status, "ログインしました。", "allowed");
          window.location.assign("/identity/pages/activity");
        } else {
          report(status, "ログインできませんでした。", d.decision);
        }
      });
    }
  });

  window.kozaguardPasskey = { register, login };
})();
