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
})();
