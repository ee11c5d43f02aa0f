// Progressive enhancement for the embedded admin. Every request already
// carries the server-minted X-TPS-Session header through hx-headers; when App
// Bridge is present, also send a fresh Shopify session token (shopify.md B.6).
(function () {
	"use strict";
	var bearer = "";
	if (window.shopify && typeof window.shopify.idToken === "function") {
		document.documentElement.classList.add("appbridge");
	}
	document.addEventListener("htmx:confirm", function (evt) {
		if (!(window.shopify && typeof window.shopify.idToken === "function")) {
			return;
		}
		evt.preventDefault();
		window.shopify.idToken().then(function (t) { bearer = t; }, function () { bearer = ""; })
			.then(function () { evt.detail.issueRequest(true); });
	});
	document.addEventListener("htmx:configRequest", function (evt) {
		if (bearer) {
			evt.detail.headers["Authorization"] = "Bearer " + bearer;
			bearer = "";
		}
	});
	// An expired app session cannot be renewed from here: reload through
	// Shopify admin, which hands the page a fresh session token.
	document.addEventListener("htmx:responseError", function (evt) {
		if (evt.detail.xhr.status === 401) {
			window.location.reload();
		}
	});
	document.addEventListener("htmx:afterSwap", function () {
		var f = document.querySelector("[data-testid=flash]");
		if (f && window.shopify && window.shopify.toast) {
			window.shopify.toast.show(f.textContent);
		}
	});
	document.addEventListener("click", function (evt) {
		var btn = evt.target.closest("[data-copy]");
		if (!btn) {
			return;
		}
		var el = document.querySelector(btn.getAttribute("data-copy"));
		if (el && navigator.clipboard) {
			navigator.clipboard.writeText(el.value || el.textContent);
			btn.textContent = "Copied";
		}
	});
	// An export download needs the app session, which a plain link cannot
	// send: fetch the CSV with it (and a fresh session token when App Bridge
	// is present), then save the file.
	document.addEventListener("click", function (evt) {
		var btn = evt.target.closest("[data-download]");
		if (!btn) {
			return;
		}
		var holder = btn.closest("[hx-headers]");
		var headers = holder ? JSON.parse(holder.getAttribute("hx-headers")) : {};
		var token = window.shopify && typeof window.shopify.idToken === "function" ?
			window.shopify.idToken().catch(function () { return ""; }) : Promise.resolve("");
		btn.disabled = true;
		token.then(function (t) {
			if (t) {
				headers["Authorization"] = "Bearer " + t;
			}
			return fetch(btn.getAttribute("data-download"), {headers: headers});
		}).then(function (res) {
			if (!res.ok) {
				throw new Error("HTTP " + res.status);
			}
			return res.blob();
		}).then(function (blob) {
			var a = document.createElement("a");
			a.href = URL.createObjectURL(blob);
			a.download = btn.getAttribute("data-filename");
			document.body.appendChild(a);
			a.click();
			a.remove();
			btn.setAttribute("data-downloaded", String(blob.size));
		}).catch(function (err) {
			btn.setAttribute("data-download-error", err.message);
		}).then(function () { btn.disabled = false; });
	});
})();
