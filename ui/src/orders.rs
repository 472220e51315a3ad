//! The Orders tab: the tourist's orders, and one order's page with its state, money,
//! sub-orders (scenic, hotel, transport) and the passes issued. While a redirect payment
//! is pending, the simulated cashier stands in for WeChat Pay / Alipay. Fresh from the
//! platform when it answers, else the device's last copy.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongyou_core::api::{IssuedPass, Lang, Order, OrderState, PaymentState, SubOrder};

use crate::app::{Ctx, Tab};
use crate::i18n::{self, Msg, t};
use crate::ipc;

#[component]
pub fn OrdersScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let signed_in = Memo::new(move |_| ctx.session.with(Option::is_some));
    move || {
        if !signed_in.get() {
            return view! {
                <section class="screen empty">
                    <h2>{move || t(lang.get(), Msg::OrdersTitle)}</h2>
                    <button class="primary" data-test="orders-sign-in" on:click=move |_| ctx.tab.set(Tab::Me)>
                        {move || t(lang.get(), Msg::SignInTitle)}
                    </button>
                </section>
            }
            .into_any();
        }
        match ctx.open_order.get() {
            Some(id) => view! { <OrderPage id=id /> }.into_any(),
            None => view! { <OrderList /> }.into_any(),
        }
    }
}

#[component]
fn OrderList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let orders = RwSignal::new(None::<Vec<Order>>);
    spawn_local(async move {
        match ipc::orders().await {
            Ok(list) => orders.set(Some(list)),
            Err(e) => {
                orders.set(Some(vec![]));
                ctx.error.set(Some(ctx.explain(&e)));
            }
        }
    });
    view! {
        <section class="screen orders" data-test="orders">
            <header class="screen-head">
                <h1>{move || t(lang.get(), Msg::OrdersTitle)}</h1>
            </header>
            {move || {
                let lang = lang.get();
                match orders.get() {
                    None => view! { <p class="loading">{t(lang, Msg::Loading)}</p> }.into_any(),
                    Some(list) if list.is_empty() => view! { <p class="empty">{t(lang, Msg::NoOrders)}</p> }.into_any(),
                    Some(list) => view! {
                        <div class="cards">
                            {list.into_iter().map(|o| order_card(ctx, lang, o)).collect_view()}
                        </div>
                    }
                    .into_any(),
                }
            }}
        </section>
    }
}

fn order_card(ctx: Ctx, lang: Lang, o: Order) -> impl IntoView {
    let id = o.id;
    let items: Vec<String> = o
        .quote
        .lines
        .iter()
        .map(|l| l.name.get(lang).to_owned())
        .fold(Vec::new(), |mut names, n| {
            if !names.contains(&n) {
                names.push(n);
            }
            names
        });
    view! {
        <button class="card order-card" data-test="order-card" data-id=id.to_string() on:click=move |_| ctx.show_order(id)>
            <header>
                <h3>{i18n::order_no(lang, id)}</h3>
                {state_badge(lang, o.state)}
            </header>
            <p class="route">{o.date}</p>
            <p>{items.join(" · ")}</p>
            <p class="price">{o.quote.total.display_yuan()}</p>
        </button>
    }
}

fn state_badge(lang: Lang, state: OrderState) -> impl IntoView {
    let key = serde_state(state);
    view! {
        <span class="state" data-test="order-state" data-state=key>{i18n::order_state(lang, state)}</span>
    }
}

/// The state as the API spells it (`confirmed`, `awaiting_payment`…), for tests and CSS.
fn serde_state(state: OrderState) -> &'static str {
    match state {
        OrderState::AwaitingPayment => "awaiting_payment",
        OrderState::Confirmed => "confirmed",
        OrderState::PartlyConfirmed => "partly_confirmed",
        OrderState::Failed => "failed",
        OrderState::Expired => "expired",
        OrderState::Cancelled => "cancelled",
    }
}

#[component]
fn OrderPage(id: i64) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lang = ctx.lang;
    let order = RwSignal::new(None::<Order>);
    let busy = RwSignal::new(false);
    let load = move || {
        spawn_local(async move {
            match ipc::order(id).await {
                Ok(o) => order.set(Some(o)),
                Err(e) => ctx.error.set(Some(ctx.explain(&e))),
            }
        });
    };
    load();
    let cashier = move |approve: bool| {
        let Some(payment) = order.with_untracked(|o| o.as_ref().map(|o| o.payment.id.clone()))
        else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            if let Err(e) = ipc::cashier(&payment, approve).await {
                ctx.error.set(Some(ctx.explain(&e)));
            }
            match ipc::order(id).await {
                Ok(o) => order.set(Some(o)),
                Err(e) => ctx.error.set(Some(ctx.explain(&e))),
            }
            busy.set(false);
        });
    };

    view! {
        <section class="screen order" data-test="order" data-id=id.to_string()>
            <button class="link back" data-test="all-orders" on:click=move |_| ctx.open_order.set(None)>
                {move || format!("‹ {}", t(lang.get(), Msg::AllOrders))}
            </button>
            {move || {
                let lang = lang.get();
                let Some(o) = order.get() else {
                    return view! { <p class="loading">{t(lang, Msg::Loading)}</p> }.into_any();
                };
                let awaiting = o.state == OrderState::AwaitingPayment
                    && o.payment.state == PaymentState::Pending;
                let failed = matches!(o.state, OrderState::Failed | OrderState::Expired);
                let method = match o.payment.method {
                    tongyou_core::api::PaymentMethod::Wallet => t(lang, Msg::Wallet),
                    tongyou_core::api::PaymentMethod::WechatPay => t(lang, Msg::WechatPay),
                    tongyou_core::api::PaymentMethod::Alipay => t(lang, Msg::Alipay),
                };
                view! {
                    <header class="order-head card">
                        <div class="title-row">
                            <h1>{i18n::order_no(lang, o.id)}</h1>
                            {state_badge(lang, o.state)}
                        </div>
                        <p class="route">{o.date.clone()}</p>
                        <dl class="money">
                            <div><dt>{t(lang, Msg::OrderTotal)}</dt><dd data-test="order-total">{o.quote.total.display_yuan()}</dd></div>
                            <div><dt>{t(lang, Msg::PaymentRow)}</dt><dd data-test="order-paid">
                                {format!("{} · {} · {}", o.payment.amount.display_yuan(), method, i18n::payment_state(lang, o.payment.state))}
                            </dd></div>
                            {(o.payment.refunded.0 > 0).then(|| view! {
                                <div><dt>{t(lang, Msg::Refunded)}</dt><dd data-test="order-refunded">{o.payment.refunded.display_yuan()}</dd></div>
                            })}
                        </dl>
                        {o.problem.as_ref().map(|p| view! { <p class="problem" role="alert" data-test="order-problem">{p.get(lang).to_owned()}</p> })}
                        {failed.then(|| view! {
                            {o.problem.is_none().then(|| view! { <p class="problem">{t(lang, Msg::OrderFailedWhat)}</p> })}
                            <button class="primary" data-test="back-to-book" on:click=move |_| ctx.tab.set(Tab::Book)>
                                {t(lang, Msg::BackToBook)}
                            </button>
                        })}
                    </header>
                    {awaiting.then(|| view! {
                        <section class="card cashier" data-test="cashier">
                            <h2>{t(lang, Msg::CashierTitle)} " · " {method}</h2>
                            <p class="demo">{t(lang, Msg::CashierDemo)}</p>
                            <p class="cashier-amount">{o.payment.amount.display_yuan()}</p>
                            {o.holds_expire_at.clone().map(|at| view! {
                                <p class="hint">{format!("{} {}", t(lang, Msg::HoldsUntil), short_time(&at))}</p>
                            })}
                            <div class="actions">
                                <button class="primary" data-test="cashier-pay" disabled=move || busy.get() on:click=move |_| cashier(true)>
                                    {t(lang, Msg::CashierPay)}
                                </button>
                                <button class="secondary" data-test="cashier-cancel" disabled=move || busy.get() on:click=move |_| cashier(false)>
                                    {t(lang, Msg::CashierCancel)}
                                </button>
                            </div>
                        </section>
                    })}
                    <section class="block">
                        <h2>{t(lang, Msg::SubOrders)}</h2>
                        <div class="cards">
                            {o.sub_orders.into_iter().map(|s| sub_order_card(lang, s)).collect_view()}
                        </div>
                    </section>
                    {(!o.passes.is_empty()).then(|| view! {
                        <section class="block">
                            <h2>{t(lang, Msg::Passes)}</h2>
                            <button class="secondary" data-test="show-in-tickets" on:click=move |_| ctx.tab.set(Tab::Tickets)>
                                {t(lang, Msg::ShowInTickets)}
                            </button>
                            <div class="cards">
                                {o.passes.into_iter().map(|p| pass_card(lang, p)).collect_view()}
                            </div>
                        </section>
                    })}
                }
                .into_any()
            }}
            <button class="secondary refresh" on:click=move |_| load()>{move || t(lang.get(), Msg::Refresh)}</button>
        </section>
    }
}

fn sub_order_card(lang: Lang, s: SubOrder) -> impl IntoView {
    let state = format!("{:?}", s.state).to_lowercase();
    view! {
        <article class="card sub-order" data-test="sub-order" data-provider=format!("{:?}", s.provider).to_lowercase() data-state=state>
            <header>
                <h3>{i18n::provider(lang, s.provider)}</h3>
                <span class="state" data-test="sub-order-state">{i18n::sub_order_state(lang, s.state)}</span>
            </header>
            <ul class="lines">
                {s.lines.into_iter().map(|l| view! {
                    <li class="line">
                        <div class="line-head">
                            <span class="line-name">{l.name.get(lang).to_owned()}<small>{format!(" × {}", l.quantity)}</small></span>
                            <strong>{l.pay.display_yuan()}</strong>
                        </div>
                        <ul class="notes">{l.notes.into_iter().map(|n| view! { <li>{n.get(lang).to_owned()}</li> }).collect_view()}</ul>
                    </li>
                }).collect_view()}
            </ul>
            {s.note.map(|n| view! { <p class="note" data-test="sub-order-note">{n.get(lang).to_owned()}</p> })}
            {(s.refunded.0 > 0).then(|| view! {
                <p class="note">{format!("{} {}", t(lang, Msg::Refunded), s.refunded.display_yuan())}</p>
            })}
        </article>
    }
}

fn pass_card(lang: Lang, p: IssuedPass) -> impl IntoView {
    let slot = p.slot.map(|(a, b)| i18n::hours(a, b));
    // The QR code is in the Tickets screen; a short form is enough to tell passes apart.
    let short = if p.code.chars().count() > 20 {
        let head: String = p.code.chars().take(10).collect();
        let tail: String = p
            .code
            .chars()
            .rev()
            .take(6)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{head}…{tail}")
    } else {
        p.code.clone()
    };
    view! {
        <article class="card pass" data-test="pass" data-product=p.product_id>
            <header>
                <h3>{p.name.get(lang).to_owned()}</h3>
                {p.holder.map(|h| view! { <span class="state" data-test="pass-holder">{h}</span> })}
            </header>
            <p class="route">{match slot { Some(s) => format!("{} {s}", p.date), None => p.date }}</p>
            <code class="pass-code" title=p.code data-test="pass-code">{short}</code>
        </article>
    }
}

/// RFC 3339 → `MM-DD HH:MM` in the device's time zone (the platform writes UTC).
pub fn short_time(rfc3339: &str) -> String {
    let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if at.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    format!(
        "{:02}-{:02} {:02}:{:02}",
        at.get_month() + 1,
        at.get_date(),
        at.get_hours(),
        at.get_minutes()
    )
}
