// The operator page: sign in with a text code, post a disruption, see and lift them.
// Talks to the platform's API like any client; the session stays in this tab only.
"use strict";

const API = "/api/v1";
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("operator-token");

async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(API + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw Object.assign(new Error(data?.message || response.statusText), { status: response.status, data });
  return data;
}

function both(text) {
  return text ? `${text.zh} · ${text.en}` : "";
}

function kindOf(form) {
  const kind = form.kind.value;
  const target = form.target.value.trim();
  const departure = form.departure.value.trim();
  switch (kind) {
    case "sight_closed": return { kind, sight_id: target };
    case "lift_stopped": return { kind, lift_id: target };
    case "gate_closed": return { kind, gate_id: target };
    case "hotel_unavailable": return { kind, hotel_id: target };
    case "shuttle_cancelled": return { kind, line_id: target, departure };
    case "shuttle_delayed": return { kind, line_id: target, departure, minutes: Number(form.minutes.value || 0) };
    default: return { kind };
  }
}

// Only the fields the chosen kind takes are shown.
function showFields() {
  const kind = $("kind").value;
  const needs = {
    target: kind !== "area_closed",
    departure: kind.startsWith("shuttle_"),
    minutes: kind === "shuttle_delayed",
  };
  for (const [name, shown] of Object.entries(needs)) {
    document.querySelector(`[data-for="${name}"]`).hidden = !shown;
  }
  fillTargets();
}

let catalogs = {};

async function fillTargets() {
  const region = $("region_id").value;
  if (!region) return;
  if (!catalogs[region]) {
    catalogs[region] = (await call("GET", `/regions/${encodeURIComponent(region)}/catalog`)).catalog;
  }
  const c = catalogs[region];
  const lists = {
    sight_closed: c.sights, lift_stopped: c.cable_cars, gate_closed: c.gates,
    hotel_unavailable: c.hotels, shuttle_delayed: c.shuttles, shuttle_cancelled: c.shuttles,
  };
  const list = $("targets");
  list.replaceChildren();
  for (const item of lists[$("kind").value] || []) {
    const option = document.createElement("option");
    option.value = item.id;
    option.label = both(item.name);
    list.append(option);
  }
}

function clearErrors() {
  for (const p of document.querySelectorAll(".field-error")) p.textContent = "";
  for (const input of document.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  $("post-error").textContent = "";
  $("post-said").textContent = "";
}

function markField(field, message) {
  const place = [...document.querySelectorAll(".field-error")].find(
    (p) => p.dataset.field === field || (p.dataset.also || "").split(" ").includes(field));
  if (place) place.textContent = both(message);
  else $("post-error").textContent += `${field}: ${both(message)} `;
  const input = { sight_id: "target", lift_id: "target", gate_id: "target", hotel_id: "target",
    line_id: "target", reason: "reason_zh" }[field] || field;
  $(input)?.setAttribute("aria-invalid", "true");
}

async function post(event) {
  event.preventDefault();
  clearErrors();
  const form = event.target;
  const body = {
    region_id: form.region_id.value,
    ...kindOf(form),
    from: form.from.value,
    to: form.to.value,
    reason: { zh: form.reason_zh.value, en: form.reason_en.value },
  };
  try {
    const posted = await call("POST", "/operator/disruptions", body);
    $("post-said").textContent = `已发布 #${posted.id}，受影响订单 ${posted.affected_orders} 个 · Posted #${posted.id}: ${posted.affected_orders} orders hit`;
    $("post-said").dataset.affected = posted.affected_orders;
    await refresh();
  } catch (e) {
    if (e.data?.fields?.length) e.data.fields.forEach((f) => markField(f.field, f.message));
    else $("post-error").textContent = e.message;
  }
}

function describe(d) {
  const target = d.sight_id || d.lift_id || d.gate_id || d.hotel_id || d.line_id || "";
  const extra = d.departure ? ` ${d.departure}` : "";
  const late = d.minutes ? ` +${d.minutes}′` : "";
  return `${d.kind} ${target}${extra}${late}`.trim();
}

async function refresh() {
  const rows = await call("GET", "/operator/disruptions");
  const body = $("disruptions");
  body.replaceChildren();
  for (const d of rows) {
    const tr = document.createElement("tr");
    tr.dataset.test = "disruption-row";
    tr.dataset.id = d.id;
    tr.dataset.state = d.state;
    for (const text of [d.id, describe(d), `${d.from} – ${d.to}`, both(d.reason), d.affected_orders, d.state]) {
      const td = document.createElement("td");
      td.textContent = String(text);
      tr.append(td);
    }
    const td = document.createElement("td");
    if (d.state === "active") {
      const lift = document.createElement("button");
      lift.type = "button";
      lift.dataset.test = "lift";
      lift.textContent = "解除 Lift";
      lift.addEventListener("click", async () => {
        await call("DELETE", `/operator/disruptions/${d.id}`);
        await refresh();
      });
      td.append(lift);
    }
    tr.append(td);
    body.append(tr);
  }
}

async function enter() {
  try {
    await refresh();
  } catch (e) {
    if (e.status === 401 || e.status === 403) {
      $("sign-in-error").textContent = e.status === 403
        ? "这个号码不是运营人员 · This number is not an operator"
        : "请登录 · Please sign in";
      token = null;
      sessionStorage.removeItem("operator-token");
      return;
    }
    throw e;
  }
  $("sign-in").hidden = true;
  $("post").hidden = false;
  $("list").hidden = false;
  const regions = await call("GET", "/regions");
  $("region_id").replaceChildren(...regions.map((r) => {
    const option = document.createElement("option");
    option.value = r.id;
    option.textContent = both(r.name);
    return option;
  }));
  showFields();
}

document.addEventListener("DOMContentLoaded", () => {
  $("send-code").addEventListener("click", async () => {
    $("sign-in-error").textContent = "";
    try {
      await call("POST", "/auth/code", { mobile: $("mobile").value.trim() });
    } catch (e) {
      $("sign-in-error").textContent = e.message;
    }
  });
  $("do-sign-in").addEventListener("click", async () => {
    $("sign-in-error").textContent = "";
    try {
      const session = await call("POST", "/auth/session", { mobile: $("mobile").value.trim(), code: $("code").value.trim() });
      token = session.token;
      sessionStorage.setItem("operator-token", token);
      await enter();
    } catch (e) {
      $("sign-in-error").textContent = e.message;
    }
  });
  $("kind").addEventListener("change", showFields);
  $("region_id").addEventListener("change", fillTargets);
  $("disruption").addEventListener("submit", post);
  if (token) enter();
});
